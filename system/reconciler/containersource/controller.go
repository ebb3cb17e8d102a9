package containersource

import (
	appsv1 "k8s.io/api/apps/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "containersource"

// SetupWithManager registers the ContainerSource controller; it watches the
// Deployments and SinkBindings sources own, and their sinks.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &sourcesv1.ContainerSource{}).
		Watches(opts.Owns(mgr, Name, &sourcesv1.ContainerSource{}, &appsv1.Deployment{})).
		Watches(opts.Owns(mgr, Name, &sourcesv1.ContainerSource{}, &sourcesv1.SinkBinding{}))
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
