package queue

// The real shell: queue-proxy's request path as net/http middleware around
// the Breaker and Stats cores, with a mutex, channels and an injected clock.

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"k8s.io/utils/clock"
)

// Header names and values queue-proxy looks at, as Knative spells them.
const (
	// ProxyHeaderName marks a request forwarded by a Knative proxy.
	ProxyHeaderName = "K-Proxy-Request"
	// ActivatorProxyValue is ProxyHeaderName's value on requests from the
	// activator; those count as proxied in Stats.
	ActivatorProxyValue = "activator"
	// KubeletProbeHeaderName marks a kubelet probe, which bypasses the
	// breaker and stats.
	KubeletProbeHeaderName = "K-Kubelet-Probe"
)

// ProxyHandler is queue-proxy's request path: it records every request in
// Stats, then runs it through the Breaker before handing it to next (the
// user container). Overflow and a context deadline while queued answer
// 503, as Knative does. Use NewProxyHandler.
type ProxyHandler struct {
	clock clock.PassiveClock
	next  http.Handler

	mu      sync.Mutex
	breaker *Breaker // nil when containerConcurrency is 0
	stats   *Stats
	nextID  uint64
	waiters map[uint64]chan struct{}
}

// NewProxyHandler builds the handler for a revision with the given
// containerConcurrency (0: no breaker), measuring time with clk.
func NewProxyHandler(containerConcurrency int, clk clock.PassiveClock, next http.Handler) (*ProxyHandler, error) {
	h := &ProxyHandler{
		clock:   clk,
		next:    next,
		stats:   NewStats(clk.Now()),
		waiters: make(map[uint64]chan struct{}),
	}
	if p, ok := ParamsFor(containerConcurrency); ok {
		b, err := New(p)
		if err != nil {
			return nil, err
		}
		h.breaker = b
	}
	return h, nil
}

// IsKubeletProbe reports whether r is a kubelet probe.
func IsKubeletProbe(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("User-Agent"), "kube-probe/") || r.Header.Get(KubeletProbeHeaderName) != ""
}

// ServeHTTP implements http.Handler.
func (h *ProxyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if IsKubeletProbe(r) {
		h.next.ServeHTTP(w, r)
		return
	}
	proxied := r.Header.Get(ProxyHeaderName) == ActivatorProxyValue
	h.mu.Lock()
	h.stats.RequestIn(h.clock.Now(), proxied)
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.stats.RequestOut(h.clock.Now(), proxied)
		h.mu.Unlock()
	}()

	if h.breaker == nil {
		h.next.ServeHTTP(w, r)
		return
	}
	if err := h.acquire(r.Context()); err != nil {
		switch err {
		case ErrRequestQueueFull, context.DeadlineExceeded:
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
		return
	}
	defer h.release()
	h.next.ServeHTTP(w, r)
}

// acquire takes a breaker slot, waiting in the queue if needed; on nil the
// caller holds a slot and must release it.
func (h *ProxyHandler) acquire(ctx context.Context) error {
	h.mu.Lock()
	id := h.nextID
	h.nextID++
	d, err := h.breaker.Acquire(id)
	if d != Queued {
		h.mu.Unlock()
		return err
	}
	ch := make(chan struct{})
	h.waiters[id] = ch
	h.mu.Unlock()

	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	h.mu.Lock()
	withdrawn := h.breaker.Cancel(id)
	if withdrawn {
		delete(h.waiters, id)
	}
	h.mu.Unlock()
	if !withdrawn {
		// Admitted while the context ended: hand the slot on.
		h.release()
	}
	return ctx.Err()
}

// release returns a slot and wakes the waiters admitted in its place.
func (h *ProxyHandler) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids, _ := h.breaker.Release() // paired with a successful acquire
	h.wake(ids)
}

// wake closes the admitted waiters' channels; h.mu must be held.
func (h *ProxyHandler) wake(ids []uint64) {
	for _, id := range ids {
		close(h.waiters[id])
		delete(h.waiters, id)
	}
}

// Report closes the current stats window at the clock's now.
func (h *ProxyHandler) Report() Stat {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats.Report(h.clock.Now())
}

// InFlight is the number of requests holding a breaker slot (0 without a
// breaker).
func (h *ProxyHandler) InFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.breaker == nil {
		return 0
	}
	return h.breaker.InFlight()
}

// Waiting is the number of requests queued in the breaker.
func (h *ProxyHandler) Waiting() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.breaker == nil {
		return 0
	}
	return h.breaker.Waiting()
}
