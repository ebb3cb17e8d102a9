package podautoscaler

import (
	"context"
	"fmt"
	"math"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/autoscaling"
	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/autoscaler/scaler"
)

// reconcileHPA runs a revision of the HPA class: the HPA decides its scale
// from its pods' CPU use, never below one pod (the class cannot scale to
// zero), and the ServerlessService stays in Serve mode, as Knative's HPA
// reconciler does. spec is the resolved spec, scheduled min-scale
// included.
func (r *Reconciler) reconcileHPA(ctx context.Context, key types.NamespacedName, pa *autoscalingv1alpha1.PodAutoscaler, dep *appsv1.Deployment,
	sks *networkingv1alpha1.ServerlessService, spec config.DeciderSpec, now time.Time) error {
	hs, err := hpaSpec(pa.Annotations, spec)
	if err != nil {
		conds := paConditions.Manage(&pa.Status.Status)
		conds.MarkFalse(autoscalingv1alpha1.PodAutoscalerConditionActive, "InvalidSpec", err.Error(), now)
		return nil
	}
	ready := dep.Status.ReadyReplicas
	pods := multiscaler.HPAPods{
		Replicas:     ptr.Deref(dep.Spec.Replicas, 1),
		NotReady:     max(0, dep.Status.Replicas-ready),
		RequestMilli: cpuRequestMilli(dep),
	}
	if err := r.Scaler.EnsureHPA(key, hs, pods); err != nil {
		return err
	}
	st, _ := r.Scaler.Status(key)
	want := st.DesiredScale
	spec.MinScale = hs.MinReplicas // the activity threshold: at least one pod
	res := scaler.Result{
		Want:  want,
		Apply: true,
		Mode:  scaler.ModeServe,
		// Knative hands the HPA class's ServerlessService all activators.
		NumActivators: 0,
		PA:            scaler.NextActivity(paState(pa), spec, want, int(ready), now),
	}
	if err := r.apply(ctx, dep, sks, res, now); err != nil {
		return err
	}
	report(pa, sks, res, ready, now)
	if pods.RequestMilli <= 0 {
		conds := paConditions.Manage(&pa.Status.Status)
		conds.MarkUnknown(autoscalingv1alpha1.PodAutoscalerConditionActive, "MissingCPURequest",
			fmt.Sprintf("deployment %s requests no CPU: the HPA class needs resources.requests.cpu to compute utilisation", dep.Name), now)
	}
	return nil
}

// hpaSpec is the HPA Knative creates for the revision: the target from its
// annotations, the metric from the resolved spec (the class may come from
// config-autoscaler alone), the bounds from the resolved spec (min-scale at
// least 1, max-scale 0 unbounded).
func hpaSpec(ann map[string]string, spec config.DeciderSpec) (hpa.Spec, error) {
	withClass := map[string]string{autoscaling.ClassAnnotationKey: autoscaling.HPA, autoscaling.MetricAnnotationKey: spec.Metric}
	if v, ok := ann[autoscaling.TargetAnnotationKey]; ok {
		withClass[autoscaling.TargetAnnotationKey] = v
	}
	hs, err := hpa.SpecFromAnnotations(withClass, spec.MinScale, spec.MaxScale)
	if err != nil {
		return hpa.Spec{}, err
	}
	hs.MinReplicas, hs.MaxReplicas = max(spec.MinScale, 1), spec.MaxScale
	if hs.MaxReplicas == 0 {
		hs.MaxReplicas = math.MaxInt32
	}
	return hs, hs.Validate()
}

// cpuRequestMilli is a pod's CPU request: the sum over the Deployment's
// containers, in millicores.
func cpuRequestMilli(dep *appsv1.Deployment) float64 {
	var milli int64
	for _, c := range dep.Spec.Template.Spec.Containers {
		milli += c.Resources.Requests.Cpu().MilliValue()
	}
	return float64(milli)
}
