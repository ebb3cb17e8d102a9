package world

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/manifest"
)

// errWallClock is returned by the virtual-time methods of a wall-clock world.
var errWallClock = errors.New("world runs on the wall clock; set Config.Engine for virtual time")

// Settle blocks until the control plane is quiescent: no reconcile running,
// every workqueue empty, every written object version observed.
func (w *World) Settle(ctx context.Context) error {
	if w.barrier == nil {
		return errWallClock
	}
	return w.barrier.Wait(ctx)
}

// RunUntil advances virtual time to t. Before each engine event, and at t, it
// lets the control plane settle, so every reaction to one instant completes
// before the clock moves on.
func (w *World) RunUntil(ctx context.Context, t time.Time) error {
	if w.engine == nil {
		return errWallClock
	}
	for {
		if err := w.barrier.Wait(ctx); err != nil {
			return fmt.Errorf("at virtual %s: %w", w.engine.Now().Format(time.RFC3339Nano), err)
		}
		next, ok := w.engine.Next()
		if !ok || next.After(t) {
			break
		}
		w.engine.Step()
	}
	if w.engine.Now().Before(t) {
		w.engine.RunUntil(t)
	}
	return w.barrier.Wait(ctx)
}

// RunFor advances virtual time by d (see RunUntil).
func (w *World) RunFor(ctx context.Context, d time.Duration) error {
	if w.engine == nil {
		return errWallClock
	}
	return w.RunUntil(ctx, w.engine.Now().Add(d))
}

// Now is the world's current time: virtual when it has an engine.
func (w *World) Now() time.Time { return w.clock.Now() }

// Apply server-side-applies objs, defaulting the namespace of namespaced kinds.
func (w *World) Apply(ctx context.Context, defaultNamespace string, objs ...*unstructured.Unstructured) error {
	return manifest.Apply(ctx, w.Client, defaultNamespace, objs...)
}

// Writes counts the control plane's writes so far (virtual worlds only), so
// a caller can tell whether anything changed since it last looked.
func (w *World) Writes() uint64 {
	if w.barrier == nil {
		return 0
	}
	return w.barrier.Writes()
}
