package podautoscaler

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/reconciler"
)

// SetupWithManager registers the PodAutoscaler controller and returns the
// Multiscaler the data plane reports its stats to.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) (*multiscaler.Multiscaler, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	trigger := reconciler.NewTrigger()
	ms := multiscaler.New(opts.Clock, trigger.Enqueue)
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Scaler: ms}
	return ms, opts.NewController(mgr, "podautoscaler", &autoscalingv1alpha1.PodAutoscaler{}).
		Watches(opts.Watch("podautoscaler", &appsv1.Deployment{}, reconciler.EnqueueByRevisionLabel())).
		Watches(opts.Watch("podautoscaler", &networkingv1alpha1.ServerlessService{}, reconciler.EnqueueByRevisionLabel())).
		Watches(opts.Watch("podautoscaler", &corev1.ConfigMap{}, opts.EnqueueAllOnConfig(mgr, ConfigName, &autoscalingv1alpha1.PodAutoscalerList{}))).
		WatchesRawSource(trigger.Source()).
		Complete(r)
}
