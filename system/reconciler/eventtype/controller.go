package eventtype

import (
	ctrl "sigs.k8s.io/controller-runtime"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "eventtype"

// SetupWithManager registers the EventType controller; EventTypes are
// requeued when the Broker or channel they reference comes or goes.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &eventingv1beta2.EventType{})
	ws, err := r.Tracker.Watches(mgr.GetScheme(), &eventingv1.Broker{}, &messagingv1.Channel{}, &messagingv1.InMemoryChannel{})
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
