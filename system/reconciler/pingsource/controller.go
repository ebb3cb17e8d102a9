package pingsource

import (
	ctrl "sigs.k8s.io/controller-runtime"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "pingsource"

// SetupWithManager registers the PingSource controller. Events go to the
// Emitter of opts, else the one attached to mgr (source.Attach), else
// nowhere.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker(), Emitter: opts.EmitterFor(mgr)}
	b := opts.NewController(mgr, Name, &sourcesv1.PingSource{})
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
