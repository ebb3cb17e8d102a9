package podautoscaler

import (
	appsv1 "k8s.io/api/apps/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the PodAutoscaler controller.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	return opts.NewController(mgr, "podautoscaler", &autoscalingv1alpha1.PodAutoscaler{}).
		Watches(opts.Watch("podautoscaler", &appsv1.Deployment{}, reconciler.EnqueueByRevisionLabel())).
		Watches(opts.Watch("podautoscaler", &networkingv1alpha1.ServerlessService{}, reconciler.EnqueueByRevisionLabel())).
		Complete(r)
}
