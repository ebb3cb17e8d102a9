package configuration

import (
	ctrl "sigs.k8s.io/controller-runtime"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the Configuration controller.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return ctrl.NewControllerManagedBy(mgr).
		Named("configuration").
		For(&servingv1.Configuration{}).
		Owns(&servingv1.Revision{}).
		WithOptions(opts.ControllerOptions()).
		Complete(r)
}
