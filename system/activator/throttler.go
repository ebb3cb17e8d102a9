package activator

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/knsim/knsim/system/queue"
)

// DefaultQueueDepth is how many requests the activator buffers per
// revision before answering 503, Knative's breakerQueueDepth.
const DefaultQueueDepth = 10000

// Errors carried by rejected or failed requests; the shells answer 503 for
// queue.ErrRequestQueueFull, ErrDeadlineExceeded and ErrRevisionRemoved.
var (
	// ErrDeadlineExceeded fails a request whose deadline passed before a
	// pod had room for it.
	ErrDeadlineExceeded = errors.New("activator: deadline exceeded while waiting for capacity")
	// ErrRevisionRemoved fails the requests still waiting when the shell
	// drops the revision.
	ErrRevisionRemoved = errors.New("activator: revision removed while requests were waiting")
	// ErrDuplicateRequest refuses a request whose ID is already waiting.
	ErrDuplicateRequest = errors.New("activator: request id is already waiting")
	// ErrUnknownPod means Release named a pod with nothing in flight.
	ErrUnknownPod = errors.New("activator: release for a pod with no request in flight")
)

// Params configures a Throttler.
type Params struct {
	// ContainerConcurrency is the revision's containerConcurrency; 0 means
	// unlimited per pod.
	ContainerConcurrency int
	// QueueDepth bounds the waiting requests; 0 means DefaultQueueDepth.
	QueueDepth int
	// Rand drives power-of-two-choices (containerConcurrency 0). nil means
	// a PCG stream with a fixed seed; pass a seeded stream per revision for
	// independent, reproducible draws.
	Rand *rand.Rand
}

// Request is one request at the activator. ID is chosen by the shell and
// must be unique among waiting requests; a zero Deadline never expires.
type Request struct {
	ID       uint64
	Deadline time.Time
}

// Outcome is what Try did with a request.
type Outcome int

const (
	// Admitted: send the request to Result.Pod now, then Release that pod.
	Admitted Outcome = iota + 1
	// Queued: the request waits; an Admission or an Expire names it later.
	Queued
	// Rejected: fail the request with Result.Err (503).
	Rejected
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Admitted:
		return "Admitted"
	case Queued:
		return "Queued"
	case Rejected:
		return "Rejected"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Result is Try's answer.
type Result struct {
	Outcome Outcome
	// Pod is where an admitted request goes.
	Pod string
	// Err says why a request was rejected.
	Err error
	// Poke is set on the first request that finds no ready pods (once
	// until pods appear again): the shell should tell the autoscaler to
	// scale from zero now.
	Poke bool
}

// Admission is a waiting request admitted to a pod.
type Admission struct {
	Request Request
	Pod     string
}

// Effects are the waiting requests a call admitted or failed; the shell
// sends each admission to its pod and answers each expired request 503
// with ErrDeadlineExceeded.
type Effects struct {
	Admitted []Admission
	Expired  []Request
}

// PodState describes one pod the throttler tracks.
type PodState struct {
	Name     string
	InFlight int
	// Ready is false for a pod removed from the ready set while it still
	// has requests in flight.
	Ready bool
}

// Throttler is the activator's state for one revision: its ready pods and
// their in-flight counts, the revision-wide breaker whose capacity is
// containerConcurrency x ready pods, and the FIFO of waiting requests.
// It is not safe for concurrent use; shells serialise calls.
type Throttler struct {
	cc       int
	breaker  *queue.Breaker
	lb       balancer
	pods     []*podTracker          // ready pods, by name
	trackers map[string]*podTracker // ready pods and draining ones
	waiters  map[uint64]*waiter
	heap     deadlineHeap
	seq      uint64
	poked    bool
}

// waiter is a queued request.
type waiter struct {
	req   Request
	seq   uint64
	index int // position in the deadline heap, -1 when absent
}

// NewThrottler returns a Throttler for a revision with no ready pods yet.
func NewThrottler(p Params) (*Throttler, error) {
	if p.ContainerConcurrency < 0 {
		return nil, fmt.Errorf("activator: containerConcurrency must be >= 0, got %d", p.ContainerConcurrency)
	}
	if p.QueueDepth < 0 {
		return nil, fmt.Errorf("activator: queue depth must be >= 0, got %d", p.QueueDepth)
	}
	depth := p.QueueDepth
	if depth == 0 {
		depth = DefaultQueueDepth
	}
	b, err := queue.New(queue.Params{QueueDepth: depth, MaxConcurrency: queue.MaxBreakerCapacity})
	if err != nil {
		return nil, err
	}
	rng := p.Rand
	if rng == nil {
		rng = rand.New(rand.NewPCG(0x6b6e73696d, 0x61637476))
	}
	return &Throttler{
		cc:       p.ContainerConcurrency,
		breaker:  b,
		lb:       balancer{policy: PolicyFor(p.ContainerConcurrency), cc: p.ContainerConcurrency, rng: rng},
		trackers: make(map[string]*podTracker),
		waiters:  make(map[uint64]*waiter),
	}, nil
}

// expired reports whether req's deadline is at or before now.
func expired(req Request, now time.Time) bool {
	return !req.Deadline.IsZero() && !now.Before(req.Deadline)
}

// Try admits req to a pod, queues it, or rejects it.
func (t *Throttler) Try(now time.Time, req Request) Result {
	var res Result
	if len(t.pods) == 0 && !t.poked {
		t.poked, res.Poke = true, true
	}
	switch {
	case t.waiters[req.ID] != nil:
		res.Outcome, res.Err = Rejected, ErrDuplicateRequest
		return res
	case expired(req, now):
		res.Outcome, res.Err = Rejected, ErrDeadlineExceeded
		return res
	}
	d, err := t.breaker.Acquire(req.ID)
	switch d {
	case queue.Admitted:
		res.Outcome, res.Pod = Admitted, t.assign()
	case queue.Queued:
		t.seq++
		w := &waiter{req: req, seq: t.seq, index: -1}
		t.waiters[req.ID] = w
		if !req.Deadline.IsZero() {
			heap.Push(&t.heap, w)
		}
		res.Outcome = Queued
	default:
		res.Outcome, res.Err = Rejected, err
	}
	return res
}

// assign places an admitted request on a pod chosen by the policy. The
// breaker admits only while in-flight < containerConcurrency x ready pods,
// so some ready pod always has a free slot.
func (t *Throttler) assign() string {
	p := t.lb.pick(t.pods)
	if p == nil {
		panic("activator: breaker admitted a request but no ready pod has a free slot")
	}
	p.inFlight++
	return p.name
}

// admit turns breaker admissions into pod assignments, failing (and
// handing on the slot of) any waiter whose deadline already passed.
func (t *Throttler) admit(now time.Time, ids []uint64) Effects {
	var eff Effects
	for len(ids) > 0 {
		w := t.take(ids[0])
		ids = ids[1:]
		if expired(w.req, now) {
			eff.Expired = append(eff.Expired, w.req)
			more, _ := t.breaker.Release() // the slot was just granted
			ids = append(ids, more...)
			continue
		}
		eff.Admitted = append(eff.Admitted, Admission{Request: w.req, Pod: t.assign()})
	}
	return eff
}

// take forgets a waiter the breaker no longer holds.
func (t *Throttler) take(id uint64) *waiter {
	w := t.waiters[id]
	delete(t.waiters, id)
	if w.index >= 0 {
		heap.Remove(&t.heap, w.index)
	}
	return w
}

// Release ends a request that was sent to pod and admits the next waiter,
// if any, into the freed capacity.
func (t *Throttler) Release(now time.Time, pod string) (Effects, error) {
	p := t.trackers[pod]
	if p == nil || p.inFlight == 0 {
		return Effects{}, fmt.Errorf("%w: %q", ErrUnknownPod, pod)
	}
	p.inFlight--
	if !p.ready && p.inFlight == 0 {
		delete(t.trackers, pod)
	}
	ids, err := t.breaker.Release()
	if err != nil {
		return Effects{}, err
	}
	return t.admit(now, ids), nil
}

// UpdatePods replaces the set of ready pods, sets the revision capacity to
// containerConcurrency x ready pods, and admits waiters into any capacity
// that opened. Pods that left keep their in-flight requests until those
// are released.
func (t *Throttler) UpdatePods(now time.Time, pods []string) Effects {
	names := slices.Clone(pods)
	slices.Sort(names)
	names = slices.Compact(names)
	for _, p := range t.trackers {
		p.ready = false
	}
	ready := make([]*podTracker, 0, len(names))
	for _, n := range names {
		p := t.trackers[n]
		if p == nil {
			p = &podTracker{name: n}
			t.trackers[n] = p
		}
		p.ready = true
		ready = append(ready, p)
	}
	for n, p := range t.trackers {
		if !p.ready && p.inFlight == 0 {
			delete(t.trackers, n)
		}
	}
	t.pods = ready
	if len(ready) > 0 {
		t.poked = false
	}
	ids, _ := t.breaker.UpdateConcurrency(t.capacityFor(len(ready))) // always within [0, max]
	return t.admit(now, ids)
}

// capacityFor is the revision capacity with n ready pods.
func (t *Throttler) capacityFor(n int) int {
	if n == 0 {
		return 0
	}
	if t.cc == 0 || t.cc > queue.MaxBreakerCapacity/n {
		return queue.MaxBreakerCapacity
	}
	return t.cc * n
}

// Expire fails the waiting requests whose deadline is at or before now,
// earliest deadline first.
func (t *Throttler) Expire(now time.Time) []Request {
	var out []Request
	for t.heap.Len() > 0 && !now.Before(t.heap[0].req.Deadline) {
		w := heap.Pop(&t.heap).(*waiter)
		delete(t.waiters, w.req.ID)
		t.breaker.Cancel(w.req.ID)
		out = append(out, w.req)
	}
	return out
}

// NextDeadline is the earliest deadline among waiting requests, for the
// shell to schedule Expire; ok is false when none has a deadline.
func (t *Throttler) NextDeadline() (deadline time.Time, ok bool) {
	if t.heap.Len() == 0 {
		return time.Time{}, false
	}
	return t.heap[0].req.Deadline, true
}

// Cancel withdraws a waiting request, as when its client goes away; it
// reports whether the request was waiting.
func (t *Throttler) Cancel(id uint64) bool {
	if t.waiters[id] == nil {
		return false
	}
	t.take(id)
	t.breaker.Cancel(id)
	return true
}

// DrainWaiting withdraws every waiting request, oldest first, for the
// shell to fail with ErrRevisionRemoved when the revision goes away.
func (t *Throttler) DrainWaiting() []Request {
	ids := t.breaker.WaitingIDs()
	out := make([]Request, 0, len(ids))
	for _, id := range ids {
		out = append(out, t.take(id).req)
		t.breaker.Cancel(id)
	}
	return out
}

// ContainerConcurrency is the revision's containerConcurrency.
func (t *Throttler) ContainerConcurrency() int { return t.cc }

// Policy is the load-balancing policy in use.
func (t *Throttler) Policy() Policy { return t.lb.policy }

// Capacity is the revision capacity: containerConcurrency x ready pods,
// queue.MaxBreakerCapacity when unbounded, 0 with no ready pods.
func (t *Throttler) Capacity() int { return t.breaker.Capacity() }

// InFlight is the number of admitted requests not yet released.
func (t *Throttler) InFlight() int { return t.breaker.InFlight() }

// Waiting is the number of queued requests.
func (t *Throttler) Waiting() int { return len(t.waiters) }

// ReadyPods is the number of ready pods.
func (t *Throttler) ReadyPods() int { return len(t.pods) }

// Pods lists the tracked pods by name, draining ones included.
func (t *Throttler) Pods() []PodState {
	out := make([]PodState, 0, len(t.trackers))
	for _, p := range t.trackers {
		out = append(out, PodState{Name: p.name, InFlight: p.inFlight, Ready: p.ready})
	}
	slices.SortFunc(out, func(a, b PodState) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// deadlineHeap orders waiters by deadline, then arrival.
type deadlineHeap []*waiter

func (h deadlineHeap) Len() int { return len(h) }
func (h deadlineHeap) Less(i, j int) bool {
	if !h[i].req.Deadline.Equal(h[j].req.Deadline) {
		return h[i].req.Deadline.Before(h[j].req.Deadline)
	}
	return h[i].seq < h[j].seq
}
func (h deadlineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *deadlineHeap) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *deadlineHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.index = -1
	return w
}
