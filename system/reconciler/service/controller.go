package service

import (
	ctrl "sigs.k8s.io/controller-runtime"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the Service controller.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return opts.NewController(mgr, "service", &servingv1.Service{}).
		Watches(opts.Owns(mgr, "service", &servingv1.Service{}, &servingv1.Configuration{})).
		Watches(opts.Owns(mgr, "service", &servingv1.Service{}, &servingv1.Route{})).
		Complete(r)
}
