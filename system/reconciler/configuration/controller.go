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
	return opts.NewController(mgr, "configuration", &servingv1.Configuration{}).
		Watches(opts.Owns(mgr, "configuration", &servingv1.Configuration{}, &servingv1.Revision{})).
		Complete(r)
}
