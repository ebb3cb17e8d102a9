package revision

import (
	appsv1 "k8s.io/api/apps/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the Revision controller.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return opts.NewController(mgr, "revision", &servingv1.Revision{}).
		Watches(opts.Owns(mgr, "revision", &servingv1.Revision{}, &appsv1.Deployment{})).
		Watches(opts.Owns(mgr, "revision", &servingv1.Revision{}, &autoscalingv1alpha1.PodAutoscaler{})).
		Watches(opts.Owns(mgr, "revision", &servingv1.Revision{}, &networkingv1alpha1.ServerlessService{})).
		Complete(r)
}
