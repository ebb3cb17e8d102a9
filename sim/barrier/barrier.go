package barrier

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// objKey names one object of one kind.
type objKey struct {
	gk        schema.GroupKind
	namespace string
	name      string
}

func (k objKey) String() string { return k.gk.String() + " " + k.namespace + "/" + k.name }

// write is an object version the stack produced that handlers must observe.
type write struct {
	rv      int64 // resourceVersion returned by the apiserver; 0 for deletes
	deleted bool
}

// observation is the latest state a handler saw of an object.
type observation struct {
	rv          int64
	gone        bool // a delete event was handled
	terminating bool // the object carries a deletionTimestamp
}

// Barrier tracks writes, event handlers and workqueues. It implements
// reconciler.Observer.
type Barrier struct {
	scheme *runtime.Scheme
	clock  clock.WithDelayedExecution

	mu       sync.Mutex
	changed  *sync.Cond
	queues   map[string]*queue
	handlers map[schema.GroupKind][]*handlerState
	// watched holds one object of every kind a handler watches, and
	// controllers the name of every controller that registered a handler.
	watched     map[schema.GroupKind]client.Object
	controllers map[string]bool
	pending     map[objKey]write
	writes      uint64
	// busy counts the items of all queues that are queued or being
	// reconciled, so that Wait tells an idle control plane in O(1).
	busy int
	// quiet are the hooks Wait runs once the control plane is idle (see
	// OnQuiescent).
	quiet []func() bool
}

// New returns a Barrier. Delayed requeues of wrapped queues are scheduled on
// clk, so on a virtual clock they are engine events from the moment they are
// asked for, with no window in which time could pass them by.
func New(scheme *runtime.Scheme, clk clock.WithDelayedExecution) (*Barrier, error) {
	if scheme == nil || clk == nil {
		return nil, fmt.Errorf("barrier: scheme and clock are required")
	}
	b := &Barrier{
		scheme:      scheme,
		clock:       clk,
		queues:      map[string]*queue{},
		handlers:    map[schema.GroupKind][]*handlerState{},
		watched:     map[schema.GroupKind]client.Object{},
		controllers: map[string]bool{},
		pending:     map[objKey]write{},
	}
	b.changed = sync.NewCond(&b.mu)
	return b, nil
}

func (b *Barrier) keyOf(obj client.Object) (objKey, error) {
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" {
		var err error
		if gvk, err = apiutil.GVKForObject(obj, b.scheme); err != nil {
			return objKey{}, err
		}
	}
	return objKey{gk: gvk.GroupKind(), namespace: obj.GetNamespace(), name: obj.GetName()}, nil
}

// recordWrite notes that the stack wrote obj (or deleted it).
func (b *Barrier) recordWrite(obj client.Object, deleted bool) {
	key, err := b.keyOf(obj)
	if err != nil {
		return // a kind outside the scheme has no handlers to wait for
	}
	w := write{deleted: deleted}
	if !deleted {
		w.rv, _ = strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	if old, ok := b.pending[key]; ok && !deleted && !old.deleted && old.rv > w.rv {
		w = old
	}
	b.pending[key] = w
	b.changed.Broadcast()
}

// observedLocked reports whether every handler of w's kind has seen w.
func (b *Barrier) observedLocked(key objKey, w write) bool {
	for _, h := range b.handlers[key.gk] {
		o, ok := h.seen[key]
		switch {
		case !ok:
			if w.deleted {
				continue // never seen, never will be: nothing to wait for
			}
			return false
		case o.gone || o.terminating && w.deleted:
		case !w.deleted && o.rv >= w.rv:
		default:
			return false
		}
	}
	return true
}

// quiescentLocked prunes observed writes and reports whether the control
// plane is idle. It is called before every engine event, so the idle case
// costs no allocation and no scan of the queues.
func (b *Barrier) quiescentLocked() bool {
	for key, w := range b.pending {
		if b.observedLocked(key, w) {
			delete(b.pending, key)
		}
	}
	return len(b.pending) == 0 && b.busy == 0
}

// busyLocked says what keeps the control plane from being idle.
func (b *Barrier) busyLocked() string {
	if len(b.pending) > 0 {
		keys := make([]string, 0, len(b.pending))
		for k := range b.pending {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		return "waiting for informers to observe " + strings.Join(keys[:min(3, len(keys))], ", ")
	}
	names := make([]string, 0, len(b.queues))
	for name := range b.queues {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if q := b.queues[name]; len(q.busy) > 0 {
			return fmt.Sprintf("controller %s is busy (%d queued, %d reconciling)", name, q.inner.Len(), q.inflight)
		}
	}
	return "idle"
}

// Writes counts the writes recorded so far; a change means the control
// plane's state changed.
func (b *Barrier) Writes() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.writes
}

// Quiescent reports whether the control plane is idle right now.
func (b *Barrier) Quiescent() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.quiescentLocked()
}

// Wait blocks until the control plane is idle or ctx ends; the error then
// says what was still busy. When the control plane is idle already (most
// engine events touch nothing in it), Wait costs one lock and runs the
// hooks.
func (b *Barrier) Wait(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var stop func() bool
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	for {
		if b.quiescentLocked() {
			if !b.runQuietLocked() {
				return nil
			}
			continue
		}
		if ctx.Err() != nil {
			return fmt.Errorf("control plane not quiescent: %s: %w", b.busyLocked(), ctx.Err())
		}
		if stop == nil {
			// Wake up when ctx ends. The callback runs on its own
			// goroutine, so registering it with b.mu held is safe.
			stop = context.AfterFunc(ctx, func() {
				b.mu.Lock()
				b.changed.Broadcast()
				b.mu.Unlock()
			})
		}
		b.changed.Wait()
	}
}

// WaitStarted blocks until every controller that registered an event
// handler has started (its workqueue exists: controller-runtime creates it
// when the controller starts its watches) or ctx ends.
func (b *Barrier) WaitStarted(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.changed.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		var waiting []string
		for name := range b.controllers {
			if b.queues[name] == nil {
				waiting = append(waiting, name)
			}
		}
		if len(waiting) == 0 {
			return nil
		}
		if ctx.Err() != nil {
			sort.Strings(waiting)
			return fmt.Errorf("controllers not started: %s: %w", strings.Join(waiting, ", "), ctx.Err())
		}
		b.changed.Wait()
	}
}

// Watched returns an object of every kind some event handler watches, in
// no particular order: starting their informers before the controllers
// (cache.GetInformer) lets a manager's cache sync cover all of them.
func (b *Barrier) Watched() []client.Object {
	b.mu.Lock()
	defer b.mu.Unlock()
	objs := make([]client.Object, 0, len(b.watched))
	for _, o := range b.watched {
		objs = append(objs, o)
	}
	return objs
}

// OnQuiescent registers h to run whenever Wait finds the control plane idle,
// before Wait returns. h reports whether it gave the control plane work
// (enqueued a reconcile, wrote an object); Wait then waits for that work too.
// This is how a component batches what it saw during an instant and acts on
// all of it at once, in an order of its own, before virtual time moves on
// (the cluster emulation's scheduling rounds).
func (b *Barrier) OnQuiescent(h func() bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.quiet = append(b.quiet, h)
}

// runQuietLocked runs the OnQuiescent hooks without b.mu held (they enqueue
// and write, which the barrier observes) and reports whether any gave work.
func (b *Barrier) runQuietLocked() bool {
	hooks := b.quiet
	if len(hooks) == 0 {
		return false
	}
	b.mu.Unlock()
	defer b.mu.Lock()
	worked := false
	for _, h := range hooks {
		if h() {
			worked = true
		}
	}
	return worked
}
