package podautoscaler

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/autoscaling"
	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/apis/duck"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/autoscaler/scaler"
	"github.com/knsim/knsim/system/autoscaler/schedule"
	"github.com/knsim/knsim/system/reconciler"
)

// ConfigName is the ConfigMap holding the autoscaler's defaults.
const ConfigName = "config-autoscaler"

// ActivatorSinceAnnotation records on the ServerlessService when the
// activator was put in the path (Knative reads it from the activator
// endpoints' readiness).
const ActivatorSinceAnnotation = "autoscaling.knsim.dev/activator-since"

var paConditions = duck.NewLivingConditionSet(
	autoscalingv1alpha1.PodAutoscalerConditionActive,
	autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized,
	autoscalingv1alpha1.PodAutoscalerConditionSKSReady,
)

// Reconciler applies the KPA's decisions (or, for the HPA class, the
// HPA's, and for a registered policy class, the policy's) to a revision's
// Deployment and ServerlessService and reports the PodAutoscaler's status.
type Reconciler struct {
	client.Client
	reconciler.Options
	Scaler *multiscaler.Multiscaler
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*autoscalingv1alpha1.PodAutoscaler]{
		Kind:          "podautoscaler",
		New:           func() *autoscalingv1alpha1.PodAutoscaler { return &autoscalingv1alpha1.PodAutoscaler{} },
		Status:        func(pa *autoscalingv1alpha1.PodAutoscaler) any { return &pa.Status },
		OnGone:        r.Scaler.Remove,
		OnDeleting:    r.Scaler.Remove,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind feeds the revision's decider its spec and applies its
// recommendation (or the HPA's) to the Deployment and ServerlessService.
func (r *Reconciler) reconcileKind(ctx context.Context, pa *autoscalingv1alpha1.PodAutoscaler) (ctrl.Result, error) {
	key := client.ObjectKeyFromObject(pa)
	now := r.Clock.Now()
	conds := paConditions.Manage(&pa.Status.Status)
	conds.InitializeConditions(now)

	dep := &appsv1.Deployment{}
	err := r.Get(ctx, client.ObjectKey{Namespace: pa.Namespace, Name: pa.Spec.ScaleTargetRef.Name}, dep)
	if apierrors.IsNotFound(err) {
		return ctrl.Result{}, reconciler.SkipStatus // the Revision creates it; its creation triggers us again
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: getting deployment: %w", err)
	}
	sks := &networkingv1alpha1.ServerlessService{}
	if err := r.Get(ctx, key, sks); apierrors.IsNotFound(err) {
		return ctrl.Result{}, reconciler.SkipStatus
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: getting serverlessservice: %w", err)
	}
	spec, scheduleWake, err := r.deciderSpec(ctx, pa, now)
	if err != nil {
		conds.MarkFalse(autoscalingv1alpha1.PodAutoscalerConditionActive, "InvalidSpec", err.Error(), now)
		return ctrl.Result{}, nil
	}
	if spec.Class == autoscaling.HPA {
		if err := r.reconcileHPA(ctx, key, pa, dep, sks, spec, now); err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: %w", err)
		}
		pa.Status.ObservedGeneration = pa.Generation
		return ctrl.Result{RequeueAfter: scheduleWake}, nil
	}
	if multiscaler.HasPolicy(spec.Class) {
		requeue, err := r.reconcilePolicy(ctx, key, pa, dep, sks, spec, now)
		if err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: %w", err)
		}
		pa.Status.ObservedGeneration = pa.Generation
		if scheduleWake > 0 && (requeue == 0 || scheduleWake < requeue) {
			requeue = scheduleWake
		}
		return ctrl.Result{RequeueAfter: requeue}, nil
	}
	ready := int(dep.Status.ReadyReplicas)
	if err := r.Scaler.Ensure(now, key, spec, ready); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: %w", err)
	}
	st, _ := r.Scaler.Status(key)
	res := scaler.Reconcile(scaler.Input{
		Now:             now,
		Spec:            spec,
		Decider:         st,
		PA:              paState(pa),
		SKS:             sksState(sks),
		ActivatorInPath: sks.Spec.Mode == networkingv1alpha1.SKSModeProxy,
		ReadyPods:       ready,
	})
	if err := r.apply(ctx, dep, sks, res, now); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: %w", err)
	}
	reserved, err := r.scaleReserve(ctx, pa, dep, res)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling podautoscaler: %w", err)
	}
	report(pa, sks, res, int32(ready)+reserved, now)
	pa.Status.ObservedGeneration = pa.Generation
	requeue := res.RequeueAfter
	if scheduleWake > 0 && (requeue == 0 || scheduleWake < requeue) {
		requeue = scheduleWake
	}
	return ctrl.Result{RequeueAfter: requeue}, nil
}

// deciderSpec merges config-autoscaler with the revision's annotations and
// its scheduled min-scale windows; the duration is when the schedule next
// changes the min-scale (0: never).
func (r *Reconciler) deciderSpec(ctx context.Context, pa *autoscalingv1alpha1.PodAutoscaler, now time.Time) (config.DeciderSpec, time.Duration, error) {
	cfg := config.Default()
	cm := &corev1.ConfigMap{}
	err := r.Get(ctx, client.ObjectKey{Namespace: r.SystemNamespace, Name: ConfigName}, cm)
	switch {
	case err == nil:
		if cfg, err = config.NewConfigFromMap(cm.Data); err != nil {
			return config.DeciderSpec{}, 0, err
		}
	case !apierrors.IsNotFound(err):
		return config.DeciderSpec{}, 0, err
	}
	spec, err := cfg.Resolve(config.Revision{
		Annotations:          pa.Annotations,
		ContainerConcurrency: pa.Spec.ContainerConcurrency,
		Reachability:         pa.Spec.Reachability,
	})
	if err != nil {
		return spec, 0, err
	}
	sched, ok, err := schedule.FromAnnotations(pa.Annotations)
	if err != nil || !ok {
		return spec, 0, err
	}
	spec.MinScale = sched.Effective(spec.MinScale, now)
	if spec.MaxScale > 0 && spec.MinScale > spec.MaxScale {
		spec.MinScale = spec.MaxScale
	}
	var wake time.Duration
	if next := sched.NextChange(now); !next.IsZero() {
		wake = next.Sub(now)
	}
	return spec, wake, nil
}

// apply writes the scale to the Deployment and the mode to the SKS.
func (r *Reconciler) apply(ctx context.Context, dep *appsv1.Deployment, sks *networkingv1alpha1.ServerlessService, res scaler.Result, now time.Time) error {
	if res.Apply && ptr.Deref(dep.Spec.Replicas, 1) != res.Want {
		dep.Spec.Replicas = ptr.To(res.Want)
		if err := r.Update(ctx, dep); err != nil {
			return fmt.Errorf("scaling deployment %s to %d: %w", dep.Name, res.Want, err)
		}
	}
	mode := networkingv1alpha1.ServerlessServiceMode(res.Mode)
	if sks.Spec.Mode == mode && sks.Spec.NumActivators == res.NumActivators {
		return nil
	}
	if mode == networkingv1alpha1.SKSModeProxy && sks.Spec.Mode != mode {
		if sks.Annotations == nil {
			sks.Annotations = map[string]string{}
		}
		sks.Annotations[ActivatorSinceAnnotation] = now.UTC().Format(time.RFC3339Nano)
	} else if mode == networkingv1alpha1.SKSModeServe {
		delete(sks.Annotations, ActivatorSinceAnnotation)
	}
	sks.Spec.Mode, sks.Spec.NumActivators = mode, res.NumActivators
	if err := r.Update(ctx, sks); err != nil {
		return fmt.Errorf("switching serverlessservice %s to %s: %w", sks.Name, mode, err)
	}
	return nil
}

// paState reads the scaler's view of the PodAutoscaler from its conditions.
func paState(pa *autoscalingv1alpha1.PodAutoscaler) scaler.PodAutoscaler {
	st := scaler.PodAutoscaler{Activity: scaler.Activating}
	if c := pa.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionActive); c != nil {
		st.Since = c.LastTransitionTime.Time
		switch c.Status {
		case corev1.ConditionTrue:
			st.Activity = scaler.Active
		case corev1.ConditionFalse:
			st.Activity = scaler.Inactive
		}
	}
	st.ScaleTargetInitialized = pa.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized).IsTrue()
	return st
}

func sksState(sks *networkingv1alpha1.ServerlessService) scaler.ServerlessService {
	st := scaler.ServerlessService{Mode: scaler.Mode(sks.Spec.Mode)}
	if t, err := time.Parse(time.RFC3339Nano, sks.Annotations[ActivatorSinceAnnotation]); err == nil {
		st.ActivatorSince = t
	}
	return st
}

// report writes the scale and conditions into the PodAutoscaler's status.
func report(pa *autoscalingv1alpha1.PodAutoscaler, sks *networkingv1alpha1.ServerlessService, res scaler.Result, ready int32, now time.Time) {
	conds := paConditions.Manage(&pa.Status.Status)
	pa.Status.DesiredScale = ptr.To(res.Want)
	pa.Status.ActualScale = ptr.To(ready)
	pa.Status.ServiceName = sks.Status.ServiceName
	pa.Status.MetricsServiceName = sks.Status.PrivateServiceName
	if res.PA.ScaleTargetInitialized {
		conds.MarkTrue(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized, now)
	} else {
		conds.MarkUnknown(autoscalingv1alpha1.PodAutoscalerConditionScaleTargetInitialized, "Queued",
			"Requests to the target are being buffered as resources are provisioned.", now)
	}
	switch res.PA.Activity {
	case scaler.Active:
		conds.MarkTrue(autoscalingv1alpha1.PodAutoscalerConditionActive, now)
	case scaler.Inactive:
		conds.MarkFalse(autoscalingv1alpha1.PodAutoscalerConditionActive, "NoTraffic", "The target is not receiving traffic.", now)
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
