package cluster

import (
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// stagedPod is pod number ord at stage (StageCreated with node "" is
// unscheduled).
func stagedPod(ord int, stage Stage) *corev1.Pod {
	p := plannedPod(t0, stagePlan{})
	p.Name = "p" + strconv.Itoa(ord)
	p.Annotations[OrdinalAnnotation] = strconv.Itoa(ord)
	switch stage {
	case StageCreated:
		p.Spec.NodeName = ""
	default:
		p.Status = kubeletStatus(p, stage, readTimeline(p), "", "")
	}
	return p
}

func TestVictims(t *testing.T) {
	names := func(ps []*corev1.Pod) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		pods []*corev1.Pod
		n    int
		want []string
	}{
		{"newest ready first", []*corev1.Pod{stagedPod(0, StageReady), stagedPod(1, StageReady), stagedPod(2, StageReady)}, 1, []string{"p2"}},
		{"not ready before ready", []*corev1.Pod{stagedPod(0, StageStarted), stagedPod(1, StageReady), stagedPod(2, StageReady)}, 2, []string{"p0", "p2"}},
		{"unscheduled, then earlier stages", []*corev1.Pod{
			stagedPod(0, StageReady), stagedPod(1, StageStarted), stagedPod(2, StagePulled),
			stagedPod(3, StageScheduled), stagedPod(4, StageCreated), stagedPod(5, StageReady),
		}, 6, []string{"p4", "p3", "p2", "p1", "p5", "p0"}},
		{"newest among equals", []*corev1.Pod{stagedPod(3, StageCreated), stagedPod(7, StageCreated), stagedPod(5, StageCreated)}, 2, []string{"p7", "p5"}},
		{"lower pod-deletion-cost before the newest", []*corev1.Pod{
			stagedPod(0, StageReady), costed(stagedPod(1, StageReady), "-1"), stagedPod(2, StageReady), costed(stagedPod(3, StageReady), "-1"),
		}, 2, []string{"p3", "p1"}},
		{"cost ranks after readiness", []*corev1.Pod{
			costed(stagedPod(0, StageReady), "-5"), stagedPod(1, StageStarted), stagedPod(2, StageReady),
		}, 2, []string{"p1", "p0"}},
		{"higher cost kept longest; unset and invalid count as 0", []*corev1.Pod{
			costed(stagedPod(0, StageReady), "10"), costed(stagedPod(1, StageReady), "x"), stagedPod(2, StageReady), costed(stagedPod(3, StageReady), "-1"),
		}, 4, []string{"p3", "p2", "p1", "p0"}},
		{"none", []*corev1.Pod{stagedPod(0, StageReady)}, 0, []string{}},
		{"negative", []*corev1.Pod{stagedPod(0, StageReady)}, -1, []string{}},
		{"more than there are", []*corev1.Pod{stagedPod(0, StageReady)}, 3, []string{"p0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := names(victims(tc.pods, tc.n))
			if len(got) != len(tc.want) {
				t.Fatalf("victims = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("victims = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// costed sets p's pod-deletion-cost.
func costed(p *corev1.Pod, cost string) *corev1.Pod {
	if p.Annotations == nil {
		p.Annotations = map[string]string{}
	}
	p.Annotations[PodDeletionCostAnnotation] = cost
	return p
}

func TestDrainFor(t *testing.T) {
	c := testCluster(t, Config{Drain: ptr.To(5 * time.Second)})
	p := stagedPod(0, StageReady)
	if got := c.drainFor(p); got != 5*time.Second {
		t.Errorf("default grace period: drain %s, want 5s", got)
	}
	p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](2)
	if got := c.drainFor(p); got != 2*time.Second {
		t.Errorf("grace 2s: drain %s, want 2s", got)
	}
	p.DeletionGracePeriodSeconds = ptr.To[int64](0)
	if got := c.drainFor(p); got != 0 {
		t.Errorf("deleted with grace 0: drain %s, want 0", got)
	}
	if got := testCluster(t, Config{}).drainFor(stagedPod(0, StageReady)); got != DefaultDrain {
		t.Errorf("default drain %s, want %s", got, DefaultDrain)
	}
}
