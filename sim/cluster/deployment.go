package cluster

import (
	"context"
	"fmt"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// deploymentReconciler plays the Deployment controller, scheduler and kubelet
// for one Deployment at a time.
type deploymentReconciler struct {
	client.Client
	cluster *Cluster
	reader  client.Reader
}

// Reconcile implements reconcile.Reconciler.
func (r *deploymentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	d := &appsv1.Deployment{}
	if err := r.Get(ctx, req.NamespacedName, d); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if d.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	now := r.cluster.cfg.Clock.Now()
	pods, err := r.ownedPods(ctx, d)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling deployment %s: %w", req, err)
	}
	pods, err = r.scale(ctx, d, pods, now)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("scaling deployment %s: %w", req, err)
	}
	next, err := r.startPods(ctx, pods, now)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("starting pods of %s: %w", req, err)
	}
	if err := r.updateStatus(ctx, d, pods); err != nil {
		return ctrl.Result{}, fmt.Errorf("updating status of deployment %s: %w", req, err)
	}
	if next > 0 {
		return ctrl.Result{RequeueAfter: next}, nil
	}
	return ctrl.Result{}, nil
}

func (r *deploymentReconciler) ownedPods(ctx context.Context, d *appsv1.Deployment) ([]*corev1.Pod, error) {
	var list corev1.PodList
	if err := r.reader.List(ctx, &list, client.InNamespace(d.Namespace), client.MatchingLabels(d.Spec.Selector.MatchLabels)); err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	var out []*corev1.Pod
	for i := range list.Items {
		p := &list.Items[i]
		if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == d.UID && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return ordinal(out[i]) < ordinal(out[j]) })
	return out, nil
}

// scale creates or deletes pods to match spec.replicas. Scale-down removes
// pods that are not ready first, then the newest, as the ReplicaSet controller does.
func (r *deploymentReconciler) scale(ctx context.Context, d *appsv1.Deployment, pods []*corev1.Pod, now time.Time) ([]*corev1.Pod, error) {
	want := int(ptr.Deref(d.Spec.Replicas, 1))
	if len(pods) < want {
		tmplHash := templateHash(d)
		minNext := 0
		if len(pods) > 0 {
			minNext = ordinal(pods[len(pods)-1]) + 1
		}
		key := d.Namespace + "/" + d.Name
		for len(pods) < want {
			ord, seq := r.cluster.nextPod(key, minNext)
			p := r.cluster.makePod(d, tmplHash, ord, seq, now)
			if err := r.Create(ctx, p); err != nil {
				return pods, fmt.Errorf("creating pod %s: %w", p.Name, err)
			}
			p.Status = pendingStatus(p, podIP(seq), now)
			if err := r.Status().Update(ctx, p); err != nil {
				return pods, fmt.Errorf("scheduling pod %s: %w", p.Name, err)
			}
			pods = append(pods, p)
		}
		return pods, nil
	}
	if len(pods) > want {
		victims := append([]*corev1.Pod(nil), pods...)
		sort.SliceStable(victims, func(i, j int) bool {
			if IsReady(victims[i]) != IsReady(victims[j]) {
				return !IsReady(victims[i])
			}
			return ordinal(victims[i]) > ordinal(victims[j])
		})
		drop := map[string]bool{}
		for _, p := range victims[:len(pods)-want] {
			// Grace 0: there is no kubelet to confirm a graceful deletion.
			if err := r.Delete(ctx, p, client.GracePeriodSeconds(0)); client.IgnoreNotFound(err) != nil {
				return pods, fmt.Errorf("deleting pod %s: %w", p.Name, err)
			}
			drop[p.Name] = true
		}
		kept := pods[:0]
		for _, p := range pods {
			if !drop[p.Name] {
				kept = append(kept, p)
			}
		}
		pods = kept
	}
	return pods, nil
}

// startPods marks pods Ready once their start-up delay has passed and returns
// how long until the next one is due (0 when none is waiting).
func (r *deploymentReconciler) startPods(ctx context.Context, pods []*corev1.Pod, now time.Time) (time.Duration, error) {
	var next time.Duration
	for _, p := range pods {
		if IsReady(p) {
			continue
		}
		due := scheduledAt(p).Add(r.cluster.cfg.PodStartup)
		if wait := due.Sub(now); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		p.Status = readyStatus(p, now)
		if err := r.Status().Update(ctx, p); err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return 0, fmt.Errorf("marking pod %s ready: %w", p.Name, err)
		}
	}
	return next, nil
}

func (r *deploymentReconciler) updateStatus(ctx context.Context, d *appsv1.Deployment, pods []*corev1.Pod) error {
	want := ptr.Deref(d.Spec.Replicas, 1)
	var ready int32
	for _, p := range pods {
		if IsReady(p) {
			ready++
		}
	}
	st := appsv1.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            int32(len(pods)),
		UpdatedReplicas:     int32(len(pods)),
		ReadyReplicas:       ready,
		AvailableReplicas:   ready,
		UnavailableReplicas: max(0, want-ready),
	}
	now := metav1.NewTime(r.cluster.cfg.Clock.Now())
	available := corev1.ConditionFalse
	availableReason, availableMsg := "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
	if ready >= want {
		available, availableReason, availableMsg = corev1.ConditionTrue, "MinimumReplicasAvailable", "Deployment has minimum availability."
	}
	progressReason := "ReplicaSetUpdated"
	if ready == want && int32(len(pods)) == want {
		progressReason = "NewReplicaSetAvailable"
	}
	st.Conditions = []appsv1.DeploymentCondition{
		keepTime(d, appsv1.DeploymentCondition{Type: appsv1.DeploymentAvailable, Status: available, Reason: availableReason, Message: availableMsg}, now),
		keepTime(d, appsv1.DeploymentCondition{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: progressReason}, now),
	}
	if equality.Semantic.DeepEqual(d.Status, st) {
		return nil
	}
	d.Status = st
	return r.Status().Update(ctx, d)
}

// keepTime carries over a condition's timestamps while its status is unchanged,
// so an idle reconcile writes nothing.
func keepTime(d *appsv1.Deployment, c appsv1.DeploymentCondition, now metav1.Time) appsv1.DeploymentCondition {
	c.LastUpdateTime, c.LastTransitionTime = now, now
	for _, old := range d.Status.Conditions {
		if old.Type != c.Type {
			continue
		}
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
		}
		if old.Status == c.Status && old.Reason == c.Reason {
			c.LastUpdateTime = old.LastUpdateTime
		}
	}
	return c
}
