package apiserversource

import (
	ctrl "sigs.k8s.io/controller-runtime"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "apiserversource"

// SetupWithManager registers the ApiServerSource controller; sources watch
// through the manager's cache and emit through the Emitter attached to mgr
// (source.Attach), or nowhere.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker(), Informers: mgr.GetCache(),
		Emitter: opts.EmitterFor(mgr)}
	b := opts.NewController(mgr, Name, &sourcesv1.ApiServerSource{})
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
