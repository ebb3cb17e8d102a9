package keepalive

import (
	"fmt"
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/policy"
)

// Class is the policy's autoscaling.knative.dev/class.
const Class = autoscaling.KeepAliveClass

// DefaultKeepAlive is AWS Lambda's idle time, used when the revision does
// not set autoscaling.knsim.dev/keep-alive.
const DefaultKeepAlive = 10 * time.Minute

// FromAnnotations reads the keep-alive annotation, def when unset.
func FromAnnotations(ann map[string]string, def time.Duration) (time.Duration, error) {
	d, ok, err := autoscaling.ParseDuration(ann, autoscaling.KeepAliveAnnotationKey)
	switch {
	case !ok:
		return def, nil
	case err != nil:
		return 0, fmt.Errorf("%s: %q is not a Go duration", autoscaling.KeepAliveAnnotationKey, ann[autoscaling.KeepAliveAnnotationKey])
	case d < autoscaling.KeepAliveMin || d > autoscaling.KeepAliveMax:
		return 0, fmt.Errorf("%s: %v is outside [%v, %v]", autoscaling.KeepAliveAnnotationKey, d, autoscaling.KeepAliveMin, autoscaling.KeepAliveMax)
	}
	return d, nil
}

// Expired reports whether p has been idle for keepAlive at now.
func Expired(now time.Time, p policy.Pod, keepAlive time.Duration) bool {
	return !p.Busy() && !now.Before(p.IdleSince.Add(keepAlive))
}

// Starts counts the instances started for waiting requests that are not
// ready yet. A request that found no idle instance starts one, and that
// instance comes up even when a busy instance frees up first and takes the
// request (the activator hands a waiting request to the first free
// instance): a cold start, once begun, is not undone.
type Starts struct {
	ready   map[string]bool
	pending int
}

// Observe counts o's newly ready pods against the pending starts and
// orders one start per waiting request beyond them.
func (s *Starts) Observe(o policy.Observation) {
	next := make(map[string]bool, len(o.Pods))
	newly := 0
	for _, p := range o.Pods {
		next[p.Name] = true
		if !s.ready[p.Name] {
			newly++
		}
	}
	s.ready = next
	s.pending = max(s.pending-newly, o.Waiting)
}

// Pending is the number of instances starting.
func (s *Starts) Pending() int { return s.pending }

// Decide is the fixed keep-alive decision at now: the instances that are
// busy or idle for less than keepAlive, plus the pending starts (at least
// one per waiting request); the expired ones are to be removed.
func Decide(now time.Time, o policy.Observation, keepAlive time.Duration, pending int) policy.Decision {
	d := policy.Decision{DesiredScale: int32(max(pending, o.Waiting))}
	for _, p := range o.Pods {
		if Expired(now, p, keepAlive) {
			d.Remove = append(d.Remove, p.Name)
			continue
		}
		d.DesiredScale++
	}
	return d
}

// Policy is one revision's fixed keep-alive policy.
type Policy struct {
	keepAlive time.Duration
	last      policy.Observation
	starts    Starts
}

// New is the policy's Factory: the keep-alive from the revision's
// annotation, DefaultKeepAlive when unset.
func New(p policy.Params) (policy.Policy, error) {
	ka, err := FromAnnotations(p.Annotations, DefaultKeepAlive)
	if err != nil {
		return nil, err
	}
	return &Policy{keepAlive: ka}, nil
}

// KeepAlive is the idle time after which an instance goes.
func (k *Policy) KeepAlive() time.Duration { return k.keepAlive }

// Observe implements policy.Policy: the latest observation and the
// instances still starting are all the policy needs.
func (k *Policy) Observe(_ time.Time, o policy.Observation) {
	k.last = o
	k.starts.Observe(o)
}

// Decide implements policy.Policy.
func (k *Policy) Decide(now time.Time) policy.Decision {
	return Decide(now, k.last, k.keepAlive, k.starts.Pending())
}

// Update implements policy.Updater: a new keep-alive applies to the
// instances' current idle periods too.
func (k *Policy) Update(p policy.Params) error {
	ka, err := FromAnnotations(p.Annotations, DefaultKeepAlive)
	if err != nil {
		return err
	}
	k.keepAlive = ka
	return nil
}
