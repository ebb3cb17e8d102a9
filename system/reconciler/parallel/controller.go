package parallel

import (
	ctrl "sigs.k8s.io/controller-runtime"

	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
)

// Name is the controller's name.
const Name = "parallel"

// SetupWithManager registers the Parallel controller; it watches the
// Subscriptions and the InMemoryChannels and Channels Parallels own.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return opts.NewController(mgr, Name, &flowsv1.Parallel{}).
		Watches(opts.Owns(mgr, Name, &flowsv1.Parallel{}, &messagingv1.InMemoryChannel{})).
		Watches(opts.Owns(mgr, Name, &flowsv1.Parallel{}, &messagingv1.Channel{})).
		Watches(opts.Owns(mgr, Name, &flowsv1.Parallel{}, &messagingv1.Subscription{})).
		Complete(r)
}
