package resources

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func TestRolloutSteps(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ro := Rollout{Start: t0, Percent: 100}
	var got []int64
	for s := 0; s <= 100; s += 10 {
		got = append(got, ro.NewPercent(t0.Add(time.Duration(s)*time.Second), 100*time.Second))
	}
	want := []int64{1, 1, 1, 26, 26, 51, 51, 51, 76, 76, 100}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("percent every 10 s of a 100 s rollout (-want +got):\n%s", d)
	}
	if n := ro.NextStep(t0.Add(30*time.Second), 100*time.Second); n != 20*time.Second {
		t.Errorf("NextStep at 30 s = %s, want 20s", n)
	}
}

func TestApplyRollouts(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rt := &servingv1.Route{}
	rt.Annotations = map[string]string{servingv1.RolloutDurationKey: "2m"}
	rt.Spec.Traffic = []servingv1.TrafficTarget{{ConfigurationName: "hello", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)}}
	prev := []servingv1.TrafficTarget{{RevisionName: "hello-1", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)}}
	now := []servingv1.TrafficTarget{{RevisionName: "hello-2", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)}}

	got, rollouts, requeue := ApplyRollouts(rt, now, prev, t0)
	want := []servingv1.TrafficTarget{
		{RevisionName: "hello-1", LatestRevision: ptr.To(true), Percent: ptr.To[int64](99)},
		{RevisionName: "hello-2", LatestRevision: ptr.To(true), Percent: ptr.To[int64](1)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("traffic at the start (-want +got):\n%s", d)
	}
	if len(rollouts) != 1 || requeue != 30*time.Second {
		t.Errorf("rollouts %+v, requeue %s; want one rollout and 30s", rollouts, requeue)
	}

	setRolloutsForTest(rt, rollouts)
	got, rollouts, _ = ApplyRollouts(rt, now, want, t0.Add(120*time.Second))
	if d := cmp.Diff(now, got); d != "" || len(rollouts) != 0 {
		t.Errorf("traffic after the duration (-want +got):\n%s; rollouts %+v", d, rollouts)
	}

	rt.Annotations = nil
	got, _, _ = ApplyRollouts(rt, now, prev, t0)
	if d := cmp.Diff(now, got); d != "" {
		t.Errorf("without a duration traffic moves at once (-want +got):\n%s", d)
	}
}

func setRolloutsForTest(rt *servingv1.Route, rs []Rollout) {
	b, _ := json.Marshal(rs)
	rt.Status.Annotations = map[string]string{RolloutAnnotation: string(b)}
}

// The route reads rollout-duration as the webhook admits it: any Go
// duration, not only whole seconds with an s.
func TestRolloutDuration(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        time.Duration
	}{
		{"seconds", "380s", 380 * time.Second},
		{"minutes", "2m", 2 * time.Minute},
		{"minutes and seconds", "1m30s", 90 * time.Second},
		{"an hour", "1h", time.Hour},
		{"zero", "0s", 0},
		{"no unit (refused at admission)", "120", 0},
		{"negative (refused at admission)", "-5s", 0},
		{"not a duration", "soon", 0},
		{"absent", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := map[string]string{}
			if tc.value != "" {
				a[servingv1.RolloutDurationKey] = tc.value
			}
			if got := RolloutDuration(a); got != tc.want {
				t.Errorf("RolloutDuration(%q) = %s, want %s", tc.value, got, tc.want)
			}
		})
	}
}
