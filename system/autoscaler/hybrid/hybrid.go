package hybrid

import (
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/keepalive"
	"github.com/knsim/knsim/system/autoscaler/policy"
)

// Class is the policy's autoscaling.knative.dev/class.
const Class = autoscaling.HybridClass

// Policy is one revision's hybrid histogram policy.
type Policy struct {
	cfg    Config
	hist   *Histogram
	win    Windows
	last   policy.Observation
	starts keepalive.Starts
	// idleStart is when the revision's current idle period began: zero
	// while it is busy and before its first request.
	idleStart time.Time
}

// New is the policy's Factory with DefaultConfig, the fallback keep-alive
// from the revision's annotation when set.
func New(p policy.Params) (policy.Policy, error) {
	cfg := DefaultConfig()
	ka, err := keepalive.FromAnnotations(p.Annotations, cfg.FallbackKeepAlive)
	if err != nil {
		return nil, err
	}
	cfg.FallbackKeepAlive = ka
	return NewWithConfig(cfg)
}

// NewWithConfig returns a Policy with cfg, after validating it.
func NewWithConfig(cfg Config) (*Policy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := NewHistogram(cfg)
	return &Policy{cfg: cfg, hist: h, win: cfg.Windows(h)}, nil
}

// Windows are the current pre-warm and keep-alive windows.
func (h *Policy) Windows() Windows { return h.win }

// Histogram is the revision's idle-time histogram.
func (h *Policy) Histogram() *Histogram { return h.hist }

// Observe implements policy.Policy: an arrival after an idle period adds
// that idle time to the histogram; the end of a burst starts an idle
// period at the latest instant an instance became idle.
func (h *Policy) Observe(now time.Time, o policy.Observation) {
	h.last = o
	h.starts.Observe(o)
	if !h.idleStart.IsZero() && o.LastArrival.After(h.idleStart) {
		h.hist.Add(o.LastArrival.Sub(h.idleStart))
		h.win = h.cfg.Windows(h.hist)
		h.idleStart = time.Time{}
	}
	if o.Busy() || !h.idleStart.IsZero() || o.LastArrival.IsZero() {
		return
	}
	start := o.LastArrival
	for _, p := range o.Pods {
		if p.IdleSince.After(start) {
			start = p.IdleSince
		}
	}
	h.idleStart = start
}

// Decide implements policy.Policy. While the revision is busy, or when the
// pre-warm window is 0, it is the fixed keep-alive with the whole window
// (pre-warm plus keep-alive). Once idle with a pre-warm window, it wants
// no instance until idleStart+PreWarm, one from then until
// idleStart+PreWarm+KeepAlive, and none after.
func (h *Policy) Decide(now time.Time) policy.Decision {
	if h.last.Busy() || h.idleStart.IsZero() || h.win.PreWarm == 0 {
		return keepalive.Decide(now, h.last, h.win.PreWarm+h.win.KeepAlive, h.starts.Pending())
	}
	warmFrom := h.idleStart.Add(h.win.PreWarm)
	warmUntil := warmFrom.Add(h.win.KeepAlive)
	var keep string
	if !now.Before(warmFrom) && now.Before(warmUntil) {
		// The pre-warmed instance: the latest to become idle (the pods
		// are sorted by name, which breaks ties).
		for _, p := range h.last.Pods {
			if keep == "" || p.IdleSince.After(h.podIdleSince(keep)) {
				keep = p.Name
			}
		}
		if keep == "" {
			return policy.Decision{DesiredScale: 1}
		}
	}
	d := policy.Decision{}
	for _, p := range h.last.Pods {
		if p.Name == keep {
			d.DesiredScale = 1
			continue
		}
		d.Remove = append(d.Remove, p.Name)
	}
	return d
}

func (h *Policy) podIdleSince(name string) time.Time {
	for _, p := range h.last.Pods {
		if p.Name == name {
			return p.IdleSince
		}
	}
	return time.Time{}
}

// Update implements policy.Updater: a new fallback keep-alive, the
// histogram kept.
func (h *Policy) Update(p policy.Params) error {
	ka, err := keepalive.FromAnnotations(p.Annotations, DefaultConfig().FallbackKeepAlive)
	if err != nil {
		return err
	}
	h.cfg.FallbackKeepAlive = ka
	h.win = h.cfg.Windows(h.hist)
	return nil
}
