package barrier

import (
	"context"
	"strconv"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// handlerState is what one controller's handler for one kind has observed.
type handlerState struct {
	controller string
	seen       map[objKey]observation
}

// observingHandler runs the controller's handler (which enqueues) and only
// then records the observation, so an observed write is always either
// queued or already reconciled.
type observingHandler struct {
	inner handler.EventHandler
	state *handlerState
	b     *Barrier
}

// WrapHandler implements reconciler.Observer.
func (b *Barrier) WrapHandler(controller string, obj client.Object, h handler.EventHandler) handler.EventHandler {
	key, err := b.keyOf(obj)
	if err != nil {
		return h // unknown kinds cannot be written through the tracked client either
	}
	st := &handlerState{controller: controller, seen: map[objKey]observation{}}
	b.mu.Lock()
	b.handlers[key.gk] = append(b.handlers[key.gk], st)
	if _, ok := b.watched[key.gk]; !ok {
		b.watched[key.gk] = obj.DeepCopyObject().(client.Object)
	}
	b.controllers[controller] = true
	b.mu.Unlock()
	return &observingHandler{inner: h, state: st, b: b}
}

type rlQueue = workqueue.TypedRateLimitingInterface[reconcile.Request]

// Create implements handler.EventHandler.
func (h *observingHandler) Create(ctx context.Context, e event.CreateEvent, q rlQueue) {
	h.inner.Create(ctx, e, q)
	h.observe(e.Object, false)
}

// Update implements handler.EventHandler.
func (h *observingHandler) Update(ctx context.Context, e event.UpdateEvent, q rlQueue) {
	h.inner.Update(ctx, e, q)
	h.observe(e.ObjectNew, false)
}

// Delete implements handler.EventHandler.
func (h *observingHandler) Delete(ctx context.Context, e event.DeleteEvent, q rlQueue) {
	h.inner.Delete(ctx, e, q)
	h.observe(e.Object, true)
}

// Generic implements handler.EventHandler.
func (h *observingHandler) Generic(ctx context.Context, e event.GenericEvent, q rlQueue) {
	h.inner.Generic(ctx, e, q)
}

func (h *observingHandler) observe(obj client.Object, gone bool) {
	if obj == nil {
		return
	}
	key, err := h.b.keyOf(obj)
	if err != nil {
		return
	}
	rv, _ := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
	h.b.mu.Lock()
	h.state.seen[key] = observation{rv: rv, gone: gone, terminating: obj.GetDeletionTimestamp() != nil}
	h.b.changed.Broadcast()
	h.b.mu.Unlock()
}
