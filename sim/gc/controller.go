package gc

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/system/reconciler"
)

// retryAfter is how soon an owner waiting on its dependents (foreground)
// is looked at again.
const retryAfter = time.Second

// SetupWithManager registers one controller per owner kind, woken only by
// deletions: an owner removed, or marked deleted while the foreground or
// orphan finalizer holds it. Watches go through opts, so queues run on the
// injected clock and the quiescence barrier sees every event.
func (c *Collector) SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	for _, gvk := range c.cfg.Owners {
		obj, err := mgr.GetScheme().New(gvk)
		if err != nil {
			return fmt.Errorf("gc: %s: %w", gvk, err)
		}
		owner, ok := obj.(client.Object)
		if !ok {
			return fmt.Errorf("gc: %s is not an object", gvk)
		}
		name := "sim-gc-" + strings.ToLower(gvk.Kind)
		err = opts.NewControllerWith(mgr, name, owner, handler.TypedFuncs[client.Object, reconcile.Request]{
			DeleteFunc: func(_ context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(e.Object)})
			},
			UpdateFunc: func(_ context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				if heldForCollection(e.ObjectNew) {
					q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(e.ObjectNew)})
				}
			},
		}).Complete(ownerReconciler{c: c, gvk: gvk})
		if err != nil {
			return fmt.Errorf("gc: %s controller: %w", gvk.Kind, err)
		}
	}
	return nil
}

// heldForCollection reports an owner marked deleted whose foreground or
// orphan finalizer waits for the collector.
func heldForCollection(o client.Object) bool {
	fins := o.GetFinalizers()
	return o.GetDeletionTimestamp() != nil && (slices.Contains(fins, ForegroundFinalizer) || slices.Contains(fins, OrphanFinalizer))
}

// ownerReconciler collects the owners of one kind.
type ownerReconciler struct {
	c   *Collector
	gvk schema.GroupVersionKind
}

func (r ownerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	done, err := r.c.Collect(ctx, r.gvk, req.NamespacedName)
	if err != nil {
		return ctrl.Result{}, err
	}
	if !done {
		return ctrl.Result{RequeueAfter: retryAfter}, nil
	}
	return ctrl.Result{}, nil
}
