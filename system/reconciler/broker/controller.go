package broker

import (
	ctrl "sigs.k8s.io/controller-runtime"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "broker"

// SetupWithManager registers the Broker controller: it watches the trigger
// channels Brokers own and whatever their dead letter sinks refer to.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &eventingv1.Broker{}).
		Watches(opts.Owns(mgr, Name, &eventingv1.Broker{}, &messagingv1.InMemoryChannel{}))
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
