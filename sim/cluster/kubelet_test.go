package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

func plannedPod(scheduled time.Time, plan stagePlan) *corev1.Pod {
	p := &corev1.Pod{Spec: corev1.PodSpec{NodeName: "n", Containers: []corev1.Container{
		{Name: "user-container", Image: "app"}, {Name: "queue-proxy", Image: "qp"},
	}}}
	p.Name, p.Namespace = "p", "ns"
	plan.annotate(p, scheduled)
	return p
}

func TestTimelineStageAt(t *testing.T) {
	tl := readTimeline(plannedPod(t0, stagePlan{imagePull: 2 * time.Second, containerStart: time.Second, readiness: 500 * time.Millisecond}))
	if !tl.planned() {
		t.Fatal("plan not read back")
	}
	for _, tc := range []struct {
		at        time.Duration
		want      Stage
		wantNext  time.Duration
		wantReady bool
	}{
		{0, StageScheduled, 2 * time.Second, false},
		{1999 * time.Millisecond, StageScheduled, 2 * time.Second, false},
		{2 * time.Second, StagePulled, 3 * time.Second, false},
		{3 * time.Second, StageStarted, 3500 * time.Millisecond, false},
		{3500 * time.Millisecond, StageReady, -1, true},
		{time.Hour, StageReady, -1, true},
	} {
		got, next := tl.stageAt(t0.Add(tc.at))
		wantNext := time.Time{}
		if tc.wantNext >= 0 {
			wantNext = t0.Add(tc.wantNext)
		}
		if got != tc.want || !next.Equal(wantNext) {
			t.Errorf("at %s: stage %s, next %v; want %s, %v", tc.at, got, next, tc.want, wantNext)
		}
	}

	zero := readTimeline(plannedPod(t0, stagePlan{}))
	if got, next := zero.stageAt(t0); got != StageReady || !next.IsZero() {
		t.Errorf("a zero plan is at %s (next %v) when bound, want Ready", got, next)
	}
}

// TestKubeletStatus checks that each stage's status reads back as that stage
// and looks as a kubelet's would.
func TestKubeletStatus(t *testing.T) {
	p := plannedPod(t0, stagePlan{imagePull: time.Second, containerStart: time.Second, readiness: time.Second})
	tl := readTimeline(p)
	for _, tc := range []struct {
		stage   Stage
		phase   corev1.PodPhase
		ready   bool
		waiting string
	}{
		{StageScheduled, corev1.PodPending, false, pullingMessage},
		{StagePulled, corev1.PodPending, false, ""},
		{StageStarted, corev1.PodRunning, false, ""},
		{StageReady, corev1.PodRunning, true, ""},
	} {
		p.Status = kubeletStatus(p, tc.stage, tl, "172.18.0.2", "10.244.0.2")
		if got := statusStage(p); got != tc.stage {
			t.Errorf("%s: status reads back as %s", tc.stage, got)
		}
		if p.Status.Phase != tc.phase || IsReady(p) != tc.ready {
			t.Errorf("%s: phase %s ready %v, want %s %v", tc.stage, p.Status.Phase, IsReady(p), tc.phase, tc.ready)
		}
		if p.Status.PodIP != "10.244.0.2" || p.Status.HostIP != "172.18.0.2" || !p.Status.StartTime.Time.Equal(t0) {
			t.Errorf("%s: addresses or start time wrong: %+v", tc.stage, p.Status)
		}
		if len(p.Status.ContainerStatuses) != 2 || p.Status.ContainerStatuses[0].Name != "queue-proxy" {
			t.Fatalf("%s: container statuses %+v, want both, by name", tc.stage, p.Status.ContainerStatuses)
		}
		for _, cs := range p.Status.ContainerStatuses {
			if w := cs.State.Waiting; (w != nil) != (tc.phase == corev1.PodPending) || w != nil && (w.Reason != "ContainerCreating" || w.Message != tc.waiting) {
				t.Errorf("%s: container %s state %+v", tc.stage, cs.Name, cs.State)
			}
			if cs.Ready != tc.ready {
				t.Errorf("%s: container %s ready %v", tc.stage, cs.Name, cs.Ready)
			}
		}
	}

	p.Status = kubeletStatus(p, StageReady, tl, "", "")
	p.Annotations[TerminatingAtAnnotation] = formatTime(t0.Add(time.Minute))
	p.Status = kubeletStatus(p, StageReady, readTimeline(p), "", "")
	if IsReady(p) || p.Status.Phase != corev1.PodRunning || p.Status.Reason != "Terminating" {
		t.Errorf("terminating pod: ready %v phase %s reason %q; want not ready, Running, Terminating", IsReady(p), p.Status.Phase, p.Status.Reason)
	}

	if got := statusStage(&corev1.Pod{}); got != StageCreated {
		t.Errorf("empty status reads as %s", got)
	}
	un := &corev1.Pod{Status: unschedulableStatus("0/1 nodes are available: 1 Insufficient cpu.", t0)}
	if got := statusStage(un); got != StageCreated {
		t.Errorf("unschedulable pod reads as %s", got)
	}
	if msg, since, ok := schedulingMessage(un); !ok || msg != "0/1 nodes are available: 1 Insufficient cpu." || !since.Equal(t0) {
		t.Errorf("schedulingMessage = %q %v %v", msg, since, ok)
	}
}
