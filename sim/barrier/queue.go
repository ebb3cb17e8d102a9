package barrier

import (
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/system/reconciler"
)

// queue wraps a controller's workqueue to know, without races, whether any
// item is queued or being reconciled, and to schedule delayed adds on the
// barrier's clock.
type queue struct {
	reconciler.Queue
	inner reconciler.Queue
	rl    workqueue.TypedRateLimiter[reconcile.Request]
	b     *Barrier
	// busy holds every item added and not yet Done. It is updated before the
	// inner queue sees an Add and after it hands out an item, so there is no
	// moment when an item is in flight but absent from busy.
	busy     map[reconcile.Request]itemState
	inflight int
}

type itemState struct{ queued, processing bool }

// WrapQueue implements reconciler.Observer.
func (b *Barrier) WrapQueue(controller string, q reconciler.Queue, rl workqueue.TypedRateLimiter[reconcile.Request]) reconciler.Queue {
	w := &queue{Queue: q, inner: q, rl: rl, b: b, busy: map[reconcile.Request]itemState{}}
	b.mu.Lock()
	b.queues[controller] = w
	b.changed.Broadcast() // WaitStarted
	b.mu.Unlock()
	return w
}

// Add implements workqueue.Interface.
func (q *queue) Add(item reconcile.Request) {
	q.b.mu.Lock()
	st, ok := q.busy[item]
	if !ok {
		q.b.busy++
	}
	st.queued = true
	q.busy[item] = st
	q.b.changed.Broadcast()
	q.b.mu.Unlock()
	q.inner.Add(item)
}

// AddAfter schedules the add on the barrier's clock.
func (q *queue) AddAfter(item reconcile.Request, d time.Duration) {
	if d <= 0 {
		q.Add(item)
		return
	}
	q.b.clock.AfterFunc(d, func() { q.Add(item) })
}

// AddRateLimited implements workqueue.RateLimitingInterface.
func (q *queue) AddRateLimited(item reconcile.Request) { q.AddAfter(item, q.rl.When(item)) }

// Forget implements workqueue.RateLimitingInterface.
func (q *queue) Forget(item reconcile.Request) { q.rl.Forget(item) }

// NumRequeues implements workqueue.RateLimitingInterface.
func (q *queue) NumRequeues(item reconcile.Request) int { return q.rl.NumRequeues(item) }

// Get implements workqueue.Interface.
func (q *queue) Get() (reconcile.Request, bool) {
	item, shutdown := q.inner.Get()
	if shutdown {
		return item, shutdown
	}
	q.b.mu.Lock()
	st, ok := q.busy[item]
	if !ok {
		q.b.busy++ // handed out without passing through Add: busy all the same
	}
	st.queued, st.processing = false, true
	q.busy[item] = st
	q.inflight++
	q.b.mu.Unlock()
	return item, false
}

// Done implements workqueue.Interface.
func (q *queue) Done(item reconcile.Request) {
	q.b.mu.Lock()
	st := q.busy[item]
	st.processing = false
	if st.queued {
		q.busy[item] = st
	} else {
		delete(q.busy, item)
		q.b.busy--
	}
	q.inflight--
	q.b.changed.Broadcast()
	q.b.mu.Unlock()
	q.inner.Done(item)
}
