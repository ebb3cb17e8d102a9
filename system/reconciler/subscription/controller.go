package subscription

import (
	ctrl "sigs.k8s.io/controller-runtime"

	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "subscription"

// SetupWithManager registers the Subscription controller. A change of the
// channel, or of anything the subscriber, reply or dead letter sink refers
// to, requeues the Subscriptions that resolved it.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &messagingv1.Subscription{})
	ws, err := r.Tracker.Watches(mgr.GetScheme(), append(resolver.AddressableKinds(), &messagingv1alpha1.NatsJetStreamChannel{})...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
