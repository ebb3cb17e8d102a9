package podautoscaler

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/apis/duck"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/revision/resources"
)

var paConditions = duck.NewLivingConditionSet(
	autoscalingv1alpha1.PodAutoscalerConditionActive,
	autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized,
	autoscalingv1alpha1.PodAutoscalerConditionSKSReady,
)

// Reconciler reports a PodAutoscaler's scale and activity.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pa := &autoscalingv1alpha1.PodAutoscaler{}
	if err := r.Get(ctx, req.NamespacedName, pa); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if pa.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := pa.Status.DeepCopy()
	now := r.Clock.Now()
	conds := paConditions.Manage(&pa.Status.Status)
	conds.InitializeConditions(now)

	dep := &appsv1.Deployment{}
	err := r.Get(ctx, client.ObjectKey{Namespace: pa.Namespace, Name: pa.Spec.ScaleTargetRef.Name}, dep)
	if apierrors.IsNotFound(err) {
		// The Revision creates the Deployment; its creation triggers us again.
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: getting deployment: %w", err)
	}
	sks := &networkingv1alpha1.ServerlessService{}
	if err := r.Get(ctx, req.NamespacedName, sks); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: getting serverlessservice: %w", err)
	}

	reportScale(pa, dep, sks, now)
	pa.Status.ObservedGeneration = pa.Generation
	if err := reconciler.UpdateStatus(ctx, r.Client, pa, before, &pa.Status); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: %w", err)
	}
	return ctrl.Result{}, nil
}

// reportScale fills the status from the Deployment and the SKS.
func reportScale(pa *autoscalingv1alpha1.PodAutoscaler, dep *appsv1.Deployment, sks *networkingv1alpha1.ServerlessService, now time.Time) {
	conds := paConditions.Manage(&pa.Status.Status)
	desired := ptr.Deref(dep.Spec.Replicas, 1)
	ready := dep.Status.ReadyReplicas
	pa.Status.DesiredScale = ptr.To(desired)
	pa.Status.ActualScale = ptr.To(ready)
	pa.Status.ServiceName = sks.Status.ServiceName
	pa.Status.MetricsServiceName = sks.Status.PrivateServiceName

	if ready >= resources.InitialReplicas(pa.Annotations) {
		conds.MarkTrue(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized, now)
	} else if !conds.IsTrue(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized) {
		conds.MarkUnknown(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized, "Queued",
			"Requests to the target are being buffered as resources are provisioned.", now)
	}
	switch {
	case ready > 0:
		conds.MarkTrue(autoscalingv1alpha1.PodAutoscalerConditionActive, now)
	case desired == 0:
		conds.MarkFalse(autoscalingv1alpha1.PodAutoscalerConditionActive, "NoTraffic",
			"The target is not receiving traffic.", now)
	default:
		conds.MarkUnknown(autoscalingv1alpha1.PodAutoscalerConditionActive, "Queued",
			"Requests to the target are being buffered as resources are provisioned.", now)
	}
	switch c := sks.Status.GetCondition(duck.ConditionReady); {
	case c.IsTrue():
		conds.MarkTrue(autoscalingv1alpha1.PodAutoscalerConditionSKSReady, now)
	case c == nil:
		conds.MarkUnknown(autoscalingv1alpha1.PodAutoscalerConditionSKSReady, "NoSKS", "", now)
	default:
		conds.MarkUnknown(autoscalingv1alpha1.PodAutoscalerConditionSKSReady, c.Reason, c.Message, now)
	}
}
