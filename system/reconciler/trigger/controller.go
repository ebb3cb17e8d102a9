package trigger

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "trigger"

// SetupWithManager registers the Trigger controller. Triggers are requeued
// when their Broker or their Subscription changes, and when anything their
// subscriber or dead letter sink refers to changes.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	c := mgr.GetClient()
	r := &Reconciler{Client: c, Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &eventingv1.Trigger{}).
		Watches(opts.Owns(mgr, Name, &eventingv1.Trigger{}, &messagingv1.Subscription{})).
		Watches(opts.Watch(Name, &eventingv1.Broker{}, handler.EnqueueRequestsFromMapFunc(
			func(ctx context.Context, o client.Object) []reconcile.Request {
				return triggersOf(ctx, c, o.GetNamespace(), o.GetName())
			})))
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}

// triggersOf lists the Triggers of the named Broker.
func triggersOf(ctx context.Context, c client.Reader, namespace, broker string) []reconcile.Request {
	var list eventingv1.TriggerList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		log.FromContext(ctx).Error(err, "listing triggers to requeue", "broker", broker)
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if list.Items[i].Spec.Broker == broker {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return reqs
}
