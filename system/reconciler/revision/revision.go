package revision

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/apis/duck"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/reserve"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/revision/resources"
)

var revisionConditions = duck.NewLivingConditionSet(
	servingv1.RevisionConditionResourcesAvailable,
	servingv1.RevisionConditionContainerHealthy,
)

// Reconciler creates a Revision's Deployment, PodAutoscaler and
// ServerlessService and reports the Revision's readiness.
type Reconciler struct {
	client.Client
	reconciler.Options

	specs specMemo
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*servingv1.Revision]{
		Kind:          "revision",
		New:           func() *servingv1.Revision { return &servingv1.Revision{} },
		Status:        func(rev *servingv1.Revision) any { return &rev.Status },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind keeps the children and derives the readiness.
func (r *Reconciler) reconcileKind(ctx context.Context, rev *servingv1.Revision) (ctrl.Result, error) {
	now := r.Clock.Now()
	revisionConditions.Manage(&rev.Status.Status).InitializeConditions(now)

	dep, err := reconciler.EnsureChild(ctx, r.Client, rev,
		resources.MakeDeployment(rev, resources.InitialReplicas(rev.Annotations)), &appsv1.Deployment{}, r.specs.mutateDeploymentFor(rev))
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling revision deployment: %w", err)
	}
	pa, err := reconciler.EnsureChild(ctx, r.Client, rev,
		resources.MakePodAutoscaler(rev), &autoscalingv1alpha1.PodAutoscaler{}, mutatePodAutoscaler)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling revision podautoscaler: %w", err)
	}
	if _, err := reconciler.EnsureChild(ctx, r.Client, rev,
		resources.MakeServerlessService(rev), &networkingv1alpha1.ServerlessService{}, mutateSKS); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling revision serverlessservice: %w", err)
	}
	if spec, err := reserve.FromAnnotations(rev.Annotations); err == nil && spec.Enabled {
		if _, err := reconciler.EnsureChild(ctx, r.Client, rev,
			resources.MakeReserveDeployment(rev, spec), &appsv1.Deployment{}, r.specs.mutateDeploymentFor(rev)); err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling revision reserve deployment: %w", err)
		}
	}

	propagate(rev, dep, pa, now)
	rev.Status.ObservedGeneration = rev.Generation
	return ctrl.Result{}, nil
}

// propagate derives the Revision's conditions. It becomes Ready once its
// autoscaler has reached the initial scale, and stays Ready when later scaled
// to zero: Active (informational) reports whether pods are serving.
func propagate(rev *servingv1.Revision, dep *appsv1.Deployment, pa *autoscalingv1alpha1.PodAutoscaler, now time.Time) {
	conds := revisionConditions.Manage(&rev.Status.Status)
	for _, c := range dep.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded" {
			conds.MarkFalse(servingv1.RevisionConditionResourcesAvailable, c.Reason,
				fmt.Sprintf("The revision failed to become ready within %ds.", resources.ProgressDeadlineSeconds), now)
			return
		}
	}
	if pa.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized).IsTrue() {
		conds.MarkTrue(servingv1.RevisionConditionResourcesAvailable, now)
		conds.MarkTrue(servingv1.RevisionConditionContainerHealthy, now)
	} else if !rev.Status.IsReady() {
		conds.MarkUnknown(servingv1.RevisionConditionResourcesAvailable, "Deploying", "", now)
		conds.MarkUnknown(servingv1.RevisionConditionContainerHealthy, "Deploying", "", now)
	}
	if active := pa.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionActive); active != nil {
		conds.MarkInfo(servingv1.RevisionConditionActive, active.Status, active.Reason, active.Message, now)
	} else {
		conds.MarkInfo(servingv1.RevisionConditionActive, corev1.ConditionUnknown, "Deploying", "", now)
	}
	rev.Status.ActualReplicas = pa.Status.ActualScale
	rev.Status.DesiredReplicas = pa.Status.DesiredScale
}

// mutatePodAutoscaler keeps the reachability the Route labeller sets.
func mutatePodAutoscaler(have, want *autoscalingv1alpha1.PodAutoscaler) bool {
	want.Spec.Reachability = have.Spec.Reachability
	meta := reconciler.SyncMeta(have, want)
	return reconciler.Sync(&have.Spec, want.Spec) || meta
}

// mutateSKS keeps the mode the autoscaler chose.
func mutateSKS(have, want *networkingv1alpha1.ServerlessService) bool {
	want.Spec.Mode = have.Spec.Mode
	want.Spec.NumActivators = have.Spec.NumActivators
	meta := reconciler.SyncMeta(have, want)
	return reconciler.Sync(&have.Spec, want.Spec) || meta
}
