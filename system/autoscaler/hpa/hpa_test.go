package hpa

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

var t0 = time.Unix(1_700_000_000, 0)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// pods returns n ready pods each using usage of a 1000m request.
func pods(n int, usage float64) []Pod {
	out := make([]Pod, n)
	for i := range out {
		out[i] = Pod{Ready: true, HasMetrics: true, UsageMilli: usage, RequestMilli: 1000}
	}
	return out
}

func TestSpecFromAnnotations(t *testing.T) {
	const a = autoscaling.GroupName + "/"
	hpaClass := map[string]string{a + "class": autoscaling.HPA}
	with := func(kv ...string) map[string]string {
		m := map[string]string{a + "class": autoscaling.HPA}
		for i := 0; i < len(kv); i += 2 {
			m[a+kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		ann  map[string]string
		want Spec
		err  string
	}{
		{name: "defaults", ann: hpaClass, want: DefaultSpec(1, math.MaxInt32, 80)},
		{name: "bounds and target", ann: with("min-scale", "2", "max-scale", "10", "target", "55.5"), want: DefaultSpec(2, 10, 56)},
		{name: "min-scale 0 means 1", ann: with("min-scale", "0"), want: DefaultSpec(1, math.MaxInt32, 80)},
		{name: "memory not simulated", ann: with("metric", "memory"), err: `hpa: metric "memory" is not simulated (only "cpu")`},
		{name: "bad target", ann: with("target", "x"), err: a + `target: strconv.ParseFloat: parsing "x": invalid syntax`},
		{name: "max below min", ann: with("min-scale", "5", "max-scale", "2"), err: "hpa: replicas must satisfy 1 <= min (5) <= max (2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SpecFromAnnotations(tc.ann, 0, 0)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

type sync struct {
	at      int
	current int32
	pods    []Pod
	want    int32
}

func TestScale(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		syncs []sync
	}{{
		name: "within tolerance",
		spec: DefaultSpec(1, 100, 80),
		syncs: []sync{
			{at: 0, current: 4, pods: pods(4, 870), want: 4}, // ratio 1.0875
		},
	}, {
		name: "scale up by ratio",
		spec: DefaultSpec(1, 100, 50),
		syncs: []sync{
			{at: 0, current: 4, pods: pods(4, 750), want: 6}, // ceil(1.5 * 4)
		},
	}, {
		name: "scale up rate limit",
		spec: DefaultSpec(1, 100, 10),
		syncs: []sync{
			{at: 0, current: 2, pods: pods(2, 900), want: 6},   // wants 18; max(2+4, 2*2)
			{at: 5, current: 6, pods: pods(6, 900), want: 6},   // same period: still from 2
			{at: 16, current: 6, pods: pods(6, 900), want: 12}, // max(6+4, 12)
		},
	}, {
		name: "not-ready pods count as idle when scaling up",
		spec: DefaultSpec(1, 100, 50),
		syncs: []sync{
			// Ready: 2 pods at 100%; with 2 idle not-ready pods 50%: at target.
			{at: 0, current: 4, pods: append(pods(2, 1000), Pod{}, Pod{}), want: 4},
		},
	}, {
		name: "scale down is stabilized for five minutes",
		spec: DefaultSpec(1, 100, 50),
		syncs: []sync{
			{at: 0, current: 10, pods: pods(10, 500), want: 10},
			{at: 15, current: 10, pods: pods(10, 100), want: 10},
			{at: 299, current: 10, pods: pods(10, 100), want: 10},
			// The recommendation of 0s is no longer after now-5m.
			{at: 300, current: 10, pods: pods(10, 100), want: 2},
		},
	}, {
		name: "clamped to bounds",
		spec: DefaultSpec(3, 5, 50),
		syncs: []sync{
			{at: 0, current: 4, pods: pods(4, 1000), want: 5},
			{at: 400, current: 5, pods: pods(5, 0), want: 3},
		},
	}, {
		name: "no metrics keeps the scale",
		spec: DefaultSpec(1, 100, 50),
		syncs: []sync{
			{at: 0, current: 4, pods: []Pod{{Ready: true}}, want: 4},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			var want, got []int32
			for _, s := range tc.syncs {
				want = append(want, s.want)
				got = append(got, a.Scale(at(s.at), s.current, s.pods).DesiredReplicas)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("desired per sync (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewInvalid(t *testing.T) {
	s := DefaultSpec(1, 10, 0)
	if _, err := New(s); err == nil {
		t.Error("target 0 accepted")
	}
	s = DefaultSpec(1, 10, 80)
	s.Tolerance = -1
	if _, err := New(s); err == nil {
		t.Error("negative tolerance accepted")
	}
}

func TestStartedWithHoldsScaleDown(t *testing.T) {
	a, err := New(DefaultSpec(1, 100, 50))
	if err != nil {
		t.Fatal(err)
	}
	a.StartedWith(at(0), 6)
	var got []int32
	for _, s := range []int{15, 299, 300} {
		got = append(got, a.Scale(at(s), 6, pods(6, 0)).DesiredReplicas)
	}
	if diff := cmp.Diff([]int32{6, 6, 1}, got); diff != "" {
		t.Errorf("desired per sync (-want +got):\n%s", diff)
	}
}
