package cluster

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func testDeployment(replicas int32) *appsv1.Deployment {
	d := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To(replicas), ProgressDeadlineSeconds: ptr.To[int32](600)}}
	d.Name, d.Generation = "d", 1
	return d
}

// pods returns ready and not-ready pods of template hash "h".
func pods(ready, notReady int) []*corev1.Pod {
	var out []*corev1.Pod
	for i := range ready + notReady {
		stage := StageReady
		if i >= ready {
			stage = StageCreated
		}
		p := stagedPod(i, stage)
		p.Labels = map[string]string{podTemplateHashLabel: "h"}
		out = append(out, p)
	}
	return out
}

func progressing(reason string, lastUpdate time.Time) []appsv1.DeploymentCondition {
	status := corev1.ConditionTrue
	if reason == reasonTimedOut {
		status = corev1.ConditionFalse
	}
	return []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: status, Reason: reason,
		LastUpdateTime: metav1.NewTime(lastUpdate), LastTransitionTime: metav1.NewTime(lastUpdate)}}
}

func TestDeploymentStatus(t *testing.T) {
	now := t0.Add(time.Hour)
	for _, tc := range []struct {
		name       string
		replicas   int32
		old        appsv1.DeploymentStatus
		pods       []*corev1.Pod
		available  corev1.ConditionStatus
		progress   corev1.ConditionStatus
		reason     string
		lastUpdate time.Time // zero: not checked
		next       time.Time
	}{
		{name: "all ready", replicas: 2, pods: pods(2, 0),
			available: corev1.ConditionTrue, progress: corev1.ConditionTrue, reason: reasonNewRSAvailable},
		{name: "first look, pods pending", replicas: 2, pods: pods(0, 2),
			available: corev1.ConditionFalse, progress: corev1.ConditionTrue, reason: reasonRSUpdated, lastUpdate: now, next: now.Add(600 * time.Second)},
		{name: "no progress within the deadline", replicas: 2, pods: pods(1, 1),
			old:       appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, Conditions: progressing(reasonRSUpdated, now.Add(-100*time.Second))},
			available: corev1.ConditionFalse, progress: corev1.ConditionTrue, reason: reasonRSUpdated, lastUpdate: now.Add(-100 * time.Second), next: now.Add(500 * time.Second)},
		{name: "deadline exceeded", replicas: 2, pods: pods(1, 1),
			old:       appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, Conditions: progressing(reasonRSUpdated, now.Add(-600*time.Second))},
			available: corev1.ConditionFalse, progress: corev1.ConditionFalse, reason: reasonTimedOut},
		{name: "stays exceeded", replicas: 2, pods: pods(1, 1),
			old:       appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, Conditions: progressing(reasonTimedOut, now.Add(-time.Hour))},
			available: corev1.ConditionFalse, progress: corev1.ConditionFalse, reason: reasonTimedOut},
		{name: "progress restarts the deadline", replicas: 3, pods: pods(2, 1),
			old:       appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 1, AvailableReplicas: 1, Conditions: progressing(reasonRSUpdated, now.Add(-599*time.Second))},
			available: corev1.ConditionFalse, progress: corev1.ConditionTrue, reason: reasonRSUpdated, lastUpdate: now, next: now.Add(600 * time.Second)},
		{name: "a completed deployment scaled up progresses again", replicas: 3, pods: pods(2, 1),
			old:       appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 2, Conditions: progressing(reasonNewRSAvailable, now.Add(-time.Hour))},
			available: corev1.ConditionFalse, progress: corev1.ConditionTrue, reason: reasonRSUpdated, lastUpdate: now, next: now.Add(600 * time.Second)},
		{name: "scaled to zero", replicas: 0, available: corev1.ConditionTrue, progress: corev1.ConditionTrue, reason: reasonNewRSAvailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDeployment(tc.replicas)
			d.Status = tc.old
			st, next := deploymentStatus(d, tc.pods, "h", now)
			avail, prog := condition(st.Conditions, appsv1.DeploymentAvailable), condition(st.Conditions, appsv1.DeploymentProgressing)
			if avail.Status != tc.available {
				t.Errorf("Available = %s, want %s", avail.Status, tc.available)
			}
			if prog.Status != tc.progress || prog.Reason != tc.reason {
				t.Errorf("Progressing = %s %s, want %s %s", prog.Status, prog.Reason, tc.progress, tc.reason)
			}
			if !tc.lastUpdate.IsZero() && !prog.LastUpdateTime.Time.Equal(tc.lastUpdate) {
				t.Errorf("Progressing lastUpdateTime = %v, want %v", prog.LastUpdateTime.Time, tc.lastUpdate)
			}
			if !next.Equal(tc.next) {
				t.Errorf("next = %v, want %v", next, tc.next)
			}
			if int(st.Replicas) != len(tc.pods) || st.UpdatedReplicas != st.Replicas {
				t.Errorf("replicas %d updated %d, want %d", st.Replicas, st.UpdatedReplicas, len(tc.pods))
			}

			// Recomputing from the written status changes nothing: an idle
			// reconcile does not write.
			d.Status = st
			again, _ := deploymentStatus(d, tc.pods, "h", now.Add(time.Second))
			if !equality.Semantic.DeepEqual(st, again) {
				t.Errorf("status not stable:\n%+v\n%+v", st, again)
			}
		})
	}
}

func TestDeploymentStatusCounts(t *testing.T) {
	d := testDeployment(4)
	d.Spec.MinReadySeconds = 10
	ps := pods(3, 1)
	now := t0.Add(time.Minute)
	ps[2].Annotations[ReadyAtAnnotation] = formatTime(now.Add(-5 * time.Second)) // ready, not yet available
	old := stagedPod(9, StageReady)
	old.Labels = map[string]string{podTemplateHashLabel: "old"}
	st, next := deploymentStatus(d, append(ps, old), "h", now)
	want := appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 5, UpdatedReplicas: 4, ReadyReplicas: 4, AvailableReplicas: 3, UnavailableReplicas: 2}
	st.Conditions = nil
	if !equality.Semantic.DeepEqual(st, want) {
		t.Errorf("status = %+v, want %+v", st, want)
	}
	if !next.Equal(now.Add(5 * time.Second)) {
		t.Errorf("next = %v, want when the pod becomes available", next)
	}
}

func TestMaxUnavailable(t *testing.T) {
	for _, tc := range []struct {
		replicas int32
		strategy appsv1.DeploymentStrategy
		want     int32
	}{
		{1, appsv1.DeploymentStrategy{}, 0},
		{4, appsv1.DeploymentStrategy{}, 1},
		{10, appsv1.DeploymentStrategy{}, 2},
		{4, appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}, 0},
		{4, appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: ptr.To(intstr.FromInt32(3))}}, 3},
		{4, appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: ptr.To(intstr.FromInt32(0)), MaxSurge: ptr.To(intstr.FromInt32(0))}}, 1},
	} {
		d := testDeployment(tc.replicas)
		d.Spec.Strategy = tc.strategy
		if got := maxUnavailable(d); got != tc.want {
			t.Errorf("maxUnavailable(%d, %+v) = %d, want %d", tc.replicas, tc.strategy, got, tc.want)
		}
	}
}
