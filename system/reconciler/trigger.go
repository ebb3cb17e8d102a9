package reconciler

import (
	"context"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"
)

// Trigger enqueues reconcile requests from outside the informers, e.g. when
// the autoscaler's decision for a revision changes. Enqueue adds to the
// controller's queue synchronously in the caller's goroutine: with the
// simulator's barrier, the request is visible the moment the engine event
// that caused it returns, so virtual time cannot slip past it.
type Trigger struct {
	mu      sync.Mutex
	queue   Queue
	pending []reconcile.Request // requests made before the controller started
}

// NewTrigger returns a Trigger; add its Source to a controller with
// builder.WatchesRawSource.
func NewTrigger() *Trigger { return &Trigger{} }

// Source is the controller-runtime source that hands the Trigger its queue.
func (t *Trigger) Source() source.Source {
	return source.Func(func(_ context.Context, q Queue) error {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.queue = q
		for _, r := range t.pending {
			q.Add(r)
		}
		t.pending = nil
		return nil
	})
}

// Enqueue requests a reconcile of key.
func (t *Trigger) Enqueue(key types.NamespacedName) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := reconcile.Request{NamespacedName: key}
	if t.queue == nil {
		t.pending = append(t.pending, r)
		return
	}
	t.queue.Add(r)
}
