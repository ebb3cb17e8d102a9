package serverlessservice

import (
	appsv1 "k8s.io/api/apps/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the ServerlessService controller.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return opts.NewController(mgr, "serverlessservice", &networkingv1alpha1.ServerlessService{}).
		Watches(opts.Watch("serverlessservice", &appsv1.Deployment{}, reconciler.EnqueueByRevisionLabel())).
		Complete(r)
}
