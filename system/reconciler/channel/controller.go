package channel

import (
	ctrl "sigs.k8s.io/controller-runtime"

	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
)

// Name is the controller's name.
const Name = "channel"

// SetupWithManager registers the Channel controller. It watches the
// InMemoryChannels and NatsJetStreamChannels it owns; backing channels of
// other kinds are read on every reconcile but not watched.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return opts.NewController(mgr, Name, &messagingv1.Channel{}).
		Watches(opts.Owns(mgr, Name, &messagingv1.Channel{}, &messagingv1.InMemoryChannel{})).
		Watches(opts.Owns(mgr, Name, &messagingv1.Channel{}, &messagingv1alpha1.NatsJetStreamChannel{})).
		Complete(r)
}
