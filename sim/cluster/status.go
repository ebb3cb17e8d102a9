package cluster

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// Deployment condition reasons, as the Deployment controller words them.
const (
	reasonNewRSAvailable   = "NewReplicaSetAvailable"
	reasonRSUpdated        = "ReplicaSetUpdated"
	reasonTimedOut         = "ProgressDeadlineExceeded"
	reasonMinimumAvailable = "MinimumReplicasAvailable"
	reasonMinimumUnavail   = "MinimumReplicasUnavailable"
	defaultProgressSeconds = 600
)

// deploymentStatus computes d's status from its active (not terminating)
// pods at now, and when it must be computed again (zero if nothing is due):
// a ready pod becoming available after minReadySeconds, or the progress
// deadline passing.
//
// Progressing follows the Deployment controller: True with
// NewReplicaSetAvailable once every replica is updated and available; True
// with ReplicaSetUpdated, its lastUpdateTime refreshed, whenever the counts
// improve; False with ProgressDeadlineExceeded when they have not improved
// for progressDeadlineSeconds since (a completed Deployment never times out).
func deploymentStatus(d *appsv1.Deployment, active []*corev1.Pod, tmplHash string, now time.Time) (appsv1.DeploymentStatus, time.Time) {
	var next time.Time
	want := ptr.Deref(d.Spec.Replicas, 1)
	minReady := time.Duration(d.Spec.MinReadySeconds) * time.Second
	var updated, ready, available int32
	for _, p := range active {
		if p.Labels[podTemplateHashLabel] == tmplHash {
			updated++
		}
		if !IsReady(p) {
			continue
		}
		ready++
		if at := readySince(p).Add(minReady); at.After(now) {
			next = earliest(next, at)
			continue
		}
		available++
	}
	replicas := int32(len(active))
	st := appsv1.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            replicas,
		UpdatedReplicas:     updated,
		ReadyReplicas:       ready,
		AvailableReplicas:   available,
		UnavailableReplicas: max(0, max(want, replicas)-available),
	}
	t := metav1.NewTime(now)

	availCond := appsv1.DeploymentCondition{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse,
		Reason: reasonMinimumUnavail, Message: "Deployment does not have minimum availability."}
	if available >= want-maxUnavailable(d) {
		availCond.Status, availCond.Reason, availCond.Message = corev1.ConditionTrue, reasonMinimumAvailable, "Deployment has minimum availability."
	}

	rs := fmt.Sprintf("ReplicaSet %q", d.Name+"-"+tmplHash)
	old := condition(d.Status.Conditions, appsv1.DeploymentProgressing)
	progress := appsv1.DeploymentCondition{Type: appsv1.DeploymentProgressing}
	deadline := time.Duration(ptr.Deref(d.Spec.ProgressDeadlineSeconds, defaultProgressSeconds)) * time.Second
	switch {
	case updated == want && replicas == want && available == want:
		progress.Status, progress.Reason, progress.Message = corev1.ConditionTrue, reasonNewRSAvailable, rs+" has successfully progressed."
	case old == nil || d.Status.ObservedGeneration != d.Generation ||
		updated > d.Status.UpdatedReplicas || ready > d.Status.ReadyReplicas || available > d.Status.AvailableReplicas ||
		old.Reason == reasonNewRSAvailable:
		progress.Status, progress.Reason, progress.Message = corev1.ConditionTrue, reasonRSUpdated, rs+" is progressing."
		progress.LastUpdateTime = t // progress was made: the deadline restarts
		next = earliest(next, now.Add(deadline))
	case old.Reason == reasonTimedOut:
		progress = *old
	case !old.LastUpdateTime.Add(deadline).After(now):
		progress.Status, progress.Reason, progress.Message = corev1.ConditionFalse, reasonTimedOut, rs+" has timed out progressing."
	default:
		progress = *old
		next = earliest(next, old.LastUpdateTime.Add(deadline))
	}
	st.Conditions = []appsv1.DeploymentCondition{
		keepTime(d, availCond, t),
		keepTime(d, progress, t),
	}
	return st, next
}

// keepTime carries over a condition's timestamps while its status (for
// lastTransitionTime) or status and reason (for lastUpdateTime) are
// unchanged, so an idle reconcile writes nothing. A lastUpdateTime already
// set is kept.
func keepTime(d *appsv1.Deployment, c appsv1.DeploymentCondition, now metav1.Time) appsv1.DeploymentCondition {
	forced := !c.LastUpdateTime.IsZero()
	c.LastTransitionTime = now
	if !forced {
		c.LastUpdateTime = now
	}
	if old := condition(d.Status.Conditions, c.Type); old != nil {
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
		}
		if !forced && old.Status == c.Status && old.Reason == c.Reason {
			c.LastUpdateTime = old.LastUpdateTime
		}
	}
	return c
}

func condition(conds []appsv1.DeploymentCondition, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}

// maxUnavailable is how many replicas may be unavailable while the
// Deployment still counts as Available (25% by default, rounded down).
func maxUnavailable(d *appsv1.Deployment) int32 {
	want := int(ptr.Deref(d.Spec.Replicas, 1))
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType || want == 0 {
		return 0
	}
	ru := d.Spec.Strategy.RollingUpdate
	unavail, surge := intstr.FromString("25%"), intstr.FromString("25%")
	if ru != nil && ru.MaxUnavailable != nil {
		unavail = *ru.MaxUnavailable
	}
	if ru != nil && ru.MaxSurge != nil {
		surge = *ru.MaxSurge
	}
	u, _ := intstr.GetScaledValueFromIntOrPercent(&unavail, want, false)
	s, _ := intstr.GetScaledValueFromIntOrPercent(&surge, want, true)
	if u == 0 && s == 0 {
		u = 1 // as the Deployment controller resolves the fenceposts
	}
	return int32(min(u, want))
}

// readySince is when the pod became Ready.
func readySince(p *corev1.Pod) time.Time {
	if t := annotationTime(p, ReadyAtAnnotation); !t.IsZero() {
		return t
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.LastTransitionTime.Time
		}
	}
	return time.Time{}
}

// earliest returns the earlier of two instants, ignoring zero ones.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}
