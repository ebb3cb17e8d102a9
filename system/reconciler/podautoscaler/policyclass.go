package podautoscaler

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/autoscaler/scaler"
)

// costSettle is how soon a revision whose scale-down waits for its pods'
// new pod-deletion-cost is reconciled again: long enough for the
// ReplicaSet controller to see the pods' annotations before the lower
// replica count.
const costSettle = 100 * time.Millisecond

// reconcilePolicy runs a revision whose class is a registered policy
// (multiscaler.HasPolicy): the policy's desired scale within the revision's
// bounds, the pods it names marked with the lowest pod-deletion-cost so
// that the scale-down removes exactly those, and the activator always in
// the path so that each request goes to an idle instance or waits for a
// new one. spec is the resolved spec, scheduled min-scale included.
func (r *Reconciler) reconcilePolicy(ctx context.Context, key types.NamespacedName, pa *autoscalingv1alpha1.PodAutoscaler, dep *appsv1.Deployment,
	sks *networkingv1alpha1.ServerlessService, spec config.DeciderSpec, now time.Time) (time.Duration, error) {
	replicas := ptr.Deref(dep.Spec.Replicas, 1)
	params := policy.Params{Class: spec.Class, Annotations: pa.Annotations, Spec: spec, Now: now}
	if err := r.Scaler.EnsurePolicy(key, params, replicas); err != nil {
		conds := paConditions.Manage(&pa.Status.Status)
		conds.MarkFalse(autoscalingv1alpha1.PodAutoscalerConditionActive, "InvalidSpec", err.Error(), now)
		return 0, nil
	}
	st, _ := r.Scaler.Status(key)
	dec, _ := r.Scaler.PolicyDecision(key)
	state := paState(pa)
	ready := dep.Status.ReadyReplicas
	// A ready pod goes only when the policy names it: one that became
	// ready since the data plane's last observation is not yet counted in
	// the desired scale.
	want := max(st.DesiredScale, ready-int32(len(dec.Remove)))
	if !state.ScaleTargetInitialized {
		// As the KPA's scaler does: the first pods are kept until ready.
		want = max(want, spec.InitialScale)
	}
	want = max(want, spec.MinScale)
	if spec.MaxScale > 0 {
		want = min(want, spec.MaxScale)
	}
	marked, err := r.markRemovals(ctx, pa, dec.Remove)
	if err != nil {
		return 0, err
	}
	var requeue time.Duration
	if marked && want < replicas {
		// Scale down once the ReplicaSet controller can see which pods go.
		want, requeue = replicas, costSettle
	}
	res := scaler.Result{
		Want:          want,
		Apply:         true,
		Mode:          scaler.ModeProxy,
		NumActivators: scaler.NumActivators(int(ready), spec),
		PA:            scaler.NextActivity(state, spec, want, int(ready), now),
	}
	if err := r.apply(ctx, dep, sks, res, now); err != nil {
		return 0, err
	}
	report(pa, sks, res, ready, now)
	return requeue, nil
}

// markRemovals gives the revision's pods named in remove the policy's
// RemoveCost and takes it back from the others; it reports whether any
// pod was newly marked.
func (r *Reconciler) markRemovals(ctx context.Context, pa *autoscalingv1alpha1.PodAutoscaler, remove []string) (bool, error) {
	var pods corev1.PodList
	if err := r.List(ctx, &pods, client.InNamespace(pa.Namespace), client.MatchingLabels{servingv1.RevisionLabelKey: pa.Name}); err != nil {
		return false, fmt.Errorf("listing pods: %w", err)
	}
	marked := false
	for i := range pods.Items {
		pod := &pods.Items[i]
		if pod.DeletionTimestamp != nil {
			continue
		}
		cost, has := pod.Annotations[policy.DeletionCostAnnotation]
		var value any
		switch want := slices.Contains(remove, pod.Name); {
		case want && cost != policy.RemoveCost:
			value, marked = policy.RemoveCost, true
		case !want && has && cost == policy.RemoveCost:
			value = nil // back to the default cost
		default:
			continue
		}
		patch, err := mergePatch(policy.DeletionCostAnnotation, value)
		if err != nil {
			return false, err
		}
		if err := r.Patch(ctx, pod, client.RawPatch(types.MergePatchType, patch)); client.IgnoreNotFound(err) != nil {
			return false, fmt.Errorf("setting %s of pod %s: %w", policy.DeletionCostAnnotation, pod.Name, err)
		}
	}
	return marked, nil
}

// mergePatch is a JSON merge patch setting (or, for nil, removing) one
// annotation.
func mergePatch(key string, value any) ([]byte, error) {
	return json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{key: value}}})
}
