package activator

// The real shell: the activator as a net/http handler around one Throttler
// per revision, with a mutex, channels, timers from an injected clock and a
// reverse proxy to the chosen pod.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/queue"
)

// Headers naming the revision a request is for; the gateway sets them, as
// Knative's ingress does on each traffic split.
const (
	// RevisionHeaderName carries the revision's name.
	RevisionHeaderName = "Knative-Serving-Revision"
	// RevisionHeaderNamespace carries the revision's namespace.
	RevisionHeaderNamespace = "Knative-Serving-Namespace"
)

// DefaultRevisionTimeout is Knative's default revision timeoutSeconds: how
// long a request may wait in the activator.
const DefaultRevisionTimeout = 300 * time.Second

// RevisionConfig describes a revision to the real shell.
type RevisionConfig struct {
	// ContainerConcurrency is the revision's containerConcurrency.
	ContainerConcurrency int
	// Timeout bounds a request's wait; 0 means DefaultRevisionTimeout.
	Timeout time.Duration
	// QueueDepth bounds the waiting requests; 0 means DefaultQueueDepth.
	QueueDepth int
	// Rand drives power-of-two-choices; see Params.Rand.
	Rand *rand.Rand
}

// Handler is the activator's request path: it looks up the revision from
// the request headers, waits in the revision's Throttler for a pod, and
// proxies the request there with K-Proxy-Request: activator. Unknown
// revisions get 404; overflow, timeout and revision removal get 503.
//
// What the activator buffers is bounded: each revision's queue by its
// QueueDepth, and all revisions' waiting requests together by Bounds
// (count and header bytes), 503 beyond either. Bodies are not buffered:
// a waiting request's body stays unread on its connection until the
// request is proxied, and is then streamed.
type Handler struct {
	clock  clock.Clock
	poke   func(types.NamespacedName)
	proxy  *httputil.ReverseProxy
	bounds Bounds

	mu           sync.Mutex
	revs         map[types.NamespacedName]*revisionState
	nextID       uint64
	waiting      int   // requests waiting, over all revisions
	waitingBytes int64 // their header bytes
}

// Defaults of Bounds.
const (
	// DefaultMaxWaiting bounds the requests waiting over all revisions
	// (each revision's queue is bounded by its QueueDepth too).
	DefaultMaxWaiting = 10000
	// DefaultMaxWaitingBytes bounds the header bytes of those requests.
	DefaultMaxWaitingBytes int64 = 64 << 20
)

// Bounds limit what the activator holds for waiting requests, over all
// revisions. Zero fields take the defaults; negative ones are refused.
type Bounds struct {
	// MaxWaiting bounds the waiting requests.
	MaxWaiting int
	// MaxWaitingBytes bounds their request lines and headers.
	MaxWaitingBytes int64
}

// withDefaults validates b and fills in its zero fields.
func (b Bounds) withDefaults() (Bounds, error) {
	if b.MaxWaiting < 0 || b.MaxWaitingBytes < 0 {
		return b, fmt.Errorf("activator: negative bound in %+v", b)
	}
	if b.MaxWaiting == 0 {
		b.MaxWaiting = DefaultMaxWaiting
	}
	if b.MaxWaitingBytes == 0 {
		b.MaxWaitingBytes = DefaultMaxWaitingBytes
	}
	return b, nil
}

// ErrOverloaded is answered (503) to a request that would pass the
// activator's Bounds.
var ErrOverloaded = errors.New("activator: too many requests waiting")

// revisionState is one revision's core and the goroutines waiting in it.
type revisionState struct {
	t       *Throttler
	timeout time.Duration
	waiters map[uint64]chan admission
}

// admission is what a waiting goroutine is told: a pod, or an error.
type admission struct {
	pod string
	err error
}

type podKey struct{}

// NewHandler returns an activator that measures time with clk, proxies
// with transport (nil: http.DefaultTransport) and calls poke (may be nil)
// when a request finds a revision with no ready pods.
func NewHandler(clk clock.Clock, transport http.RoundTripper, poke func(types.NamespacedName)) *Handler {
	h, err := NewBoundedHandler(clk, transport, poke, Bounds{})
	if err != nil {
		panic(err) // the default bounds are valid
	}
	return h
}

// NewBoundedHandler is NewHandler with bounds on the waiting requests; it
// refuses a nil clock and negative bounds.
func NewBoundedHandler(clk clock.Clock, transport http.RoundTripper, poke func(types.NamespacedName), bounds Bounds) (*Handler, error) {
	if clk == nil {
		return nil, errors.New("activator: a clock is required")
	}
	b, err := bounds.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &Handler{clock: clk, poke: poke, revs: make(map[types.NamespacedName]*revisionState), bounds: b}
	h.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = pr.In.Context().Value(podKey{}).(string)
			pr.Out.Host = pr.In.Host
			pr.Out.Header.Set(queue.ProxyHeaderName, queue.ActivatorProxyValue)
			pr.SetXForwarded()
		},
		Transport:  transport,
		BufferPool: &proxyBuffers,
		ErrorHandler: httpserve.ProxyErrorHandler(func(r *http.Request) string {
			return "revision " + r.Header.Get(RevisionHeaderNamespace) + "/" + r.Header.Get(RevisionHeaderName)
		}),
	}
	return h, nil
}

// Waiting reports the requests waiting over all revisions and their
// header bytes.
func (h *Handler) Waiting() (requests int, bytes int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.waiting, h.waitingBytes
}

// headerBytes is about what a request's line and headers take in memory.
func headerBytes(r *http.Request) int64 {
	n := int64(len(r.Method) + len(r.RequestURI) + len(r.Host) + 64)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 4)
		}
	}
	return n
}

// SetRevision registers a revision, or updates its timeout. A revision's
// containerConcurrency cannot change.
func (h *Handler) SetRevision(key types.NamespacedName, cfg RevisionConfig) error {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultRevisionTimeout
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if rs := h.revs[key]; rs != nil {
		if rs.t.ContainerConcurrency() != cfg.ContainerConcurrency {
			return fmt.Errorf("activator: revision %s has containerConcurrency %d, cannot change to %d",
				key, rs.t.ContainerConcurrency(), cfg.ContainerConcurrency)
		}
		rs.timeout = timeout
		return nil
	}
	t, err := NewThrottler(Params{ContainerConcurrency: cfg.ContainerConcurrency, QueueDepth: cfg.QueueDepth, Rand: cfg.Rand})
	if err != nil {
		return err
	}
	h.revs[key] = &revisionState{t: t, timeout: timeout, waiters: make(map[uint64]chan admission)}
	return nil
}

// UpdatePods sets a revision's ready pods, as host:port addresses.
func (h *Handler) UpdatePods(key types.NamespacedName, pods []string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	rs := h.revs[key]
	if rs == nil {
		return fmt.Errorf("activator: unknown revision %s", key)
	}
	rs.dispatch(rs.t.UpdatePods(h.clock.Now(), pods))
	return nil
}

// RemoveRevision forgets a revision and fails its waiting requests; its
// in-flight requests finish normally.
func (h *Handler) RemoveRevision(key types.NamespacedName) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rs := h.revs[key]
	if rs == nil {
		return
	}
	for _, r := range rs.t.DrainWaiting() {
		rs.send(r.ID, admission{err: ErrRevisionRemoved})
	}
	delete(h.revs, key)
}

// RevisionState is a snapshot of one revision's throttler.
type RevisionState struct {
	Capacity, InFlight, Waiting int
	Pods                        []PodState
}

// Revision returns a snapshot of a revision's throttler.
func (h *Handler) Revision(key types.NamespacedName) (RevisionState, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rs := h.revs[key]
	if rs == nil {
		return RevisionState{}, false
	}
	return RevisionState{Capacity: rs.t.Capacity(), InFlight: rs.t.InFlight(), Waiting: rs.t.Waiting(), Pods: rs.t.Pods()}, true
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := types.NamespacedName{Namespace: r.Header.Get(RevisionHeaderNamespace), Name: r.Header.Get(RevisionHeaderName)}
	h.mu.Lock()
	rs := h.revs[key]
	if rs == nil {
		h.mu.Unlock()
		http.Error(w, fmt.Sprintf("revision %q not found", key.String()), http.StatusNotFound)
		return
	}
	now, timeout := h.clock.Now(), rs.timeout
	id := h.nextID
	h.nextID++
	res := rs.t.Try(now, Request{ID: id, Deadline: now.Add(timeout)})
	var (
		ch   chan admission
		size int64
	)
	if res.Outcome == Queued {
		size = headerBytes(r)
		if h.waiting >= h.bounds.MaxWaiting || h.waitingBytes+size > h.bounds.MaxWaitingBytes {
			rs.t.Cancel(id)
			n, b := h.waiting, h.waitingBytes
			h.mu.Unlock()
			if res.Poke && h.poke != nil {
				h.poke(key)
			}
			w.Header().Set("Retry-After", "1")
			http.Error(w, fmt.Sprintf("%v: %d requests (%d header bytes) wait over all revisions, limits %d and %d; retry later",
				ErrOverloaded, n, b, h.bounds.MaxWaiting, h.bounds.MaxWaitingBytes), http.StatusServiceUnavailable)
			return
		}
		h.waiting++
		h.waitingBytes += size
		ch = make(chan admission, 1)
		rs.waiters[id] = ch
	}
	h.mu.Unlock()
	if res.Poke && h.poke != nil {
		h.poke(key)
	}

	pod, err := res.Pod, res.Err
	if res.Outcome == Queued {
		pod, err = h.wait(r.Context(), rs, id, ch, timeout)
		h.mu.Lock()
		h.waiting--
		h.waitingBytes -= size
		h.mu.Unlock()
	}
	if err != nil {
		writeError(w, err)
		return
	}
	defer h.release(rs, pod)
	h.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), podKey{}, pod)))
}

// wait blocks until the queued request id is admitted or fails.
func (h *Handler) wait(ctx context.Context, rs *revisionState, id uint64, ch chan admission, timeout time.Duration) (string, error) {
	timer := h.clock.NewTimer(timeout)
	defer timer.Stop()
	var err error
	select {
	case a := <-ch:
		return a.pod, a.err
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C():
		err = ErrDeadlineExceeded
	}
	h.mu.Lock()
	if err == ErrDeadlineExceeded {
		for _, r := range rs.t.Expire(h.clock.Now()) {
			rs.send(r.ID, admission{err: ErrDeadlineExceeded})
		}
	}
	withdrawn := rs.t.Cancel(id)
	if withdrawn {
		delete(rs.waiters, id)
	}
	h.mu.Unlock()
	if withdrawn {
		return "", err
	}
	// Decided under the lock already, so the answer is buffered.
	a := <-ch
	if a.err == nil && ctx.Err() != nil {
		h.release(rs, a.pod)
		return "", ctx.Err()
	}
	return a.pod, a.err
}

// release ends a proxied request and wakes the waiters admitted in its
// place.
func (h *Handler) release(rs *revisionState, pod string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	eff, _ := rs.t.Release(h.clock.Now(), pod) // paired with an admission
	rs.dispatch(eff)
}

// dispatch tells waiting goroutines what the core decided; h.mu is held.
func (rs *revisionState) dispatch(eff Effects) {
	for _, a := range eff.Admitted {
		rs.send(a.Request.ID, admission{pod: a.Pod})
	}
	for _, r := range eff.Expired {
		rs.send(r.ID, admission{err: ErrDeadlineExceeded})
	}
}

// send delivers a decision to a waiter; h.mu is held.
func (rs *revisionState) send(id uint64, a admission) {
	if ch := rs.waiters[id]; ch != nil {
		ch <- a
		delete(rs.waiters, id)
	}
}

// proxyBuffers recycles the reverse proxy's 32 KiB copy buffers: without
// a pool httputil.ReverseProxy allocates one per request, which was over a
// third of the bytes the real data plane allocated at 1000 RPS.
var proxyBuffers bufferPool

// bufferPool is an httputil.BufferPool on a sync.Pool. It pools array
// pointers, so Put does not allocate a slice header per request.
type bufferPool struct{ p sync.Pool }

// proxyBufferSize is httputil.ReverseProxy's own copy-buffer size.
const proxyBufferSize = 32 << 10

// Get returns a 32 KiB buffer.
func (b *bufferPool) Get() []byte {
	if buf, ok := b.p.Get().(*[proxyBufferSize]byte); ok {
		return buf[:]
	}
	return make([]byte, proxyBufferSize)
}

// Put returns a buffer from Get; others are left to the collector.
func (b *bufferPool) Put(buf []byte) {
	if cap(buf) >= proxyBufferSize {
		b.p.Put((*[proxyBufferSize]byte)(buf[:proxyBufferSize]))
	}
}

// writeError answers a request the activator could not place.
func writeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, queue.ErrRequestQueueFull), errors.Is(err, ErrDeadlineExceeded),
		errors.Is(err, ErrRevisionRemoved), errors.Is(err, context.DeadlineExceeded):
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
}
