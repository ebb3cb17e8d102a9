package kpa

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/metrics"
)

var t0 = time.Unix(1_700_000_000, 0)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func defaultSpec(t *testing.T, ann map[string]string, cc int64) config.DeciderSpec {
	t.Helper()
	s, err := config.Default().Resolve(config.Revision{Annotations: ann, ContainerConcurrency: cc})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// step is one Decide call and the fields of the decision checked.
type step struct {
	at            int
	stable, panic float64
	ready         int
	// want: desired, ebc, panic mode
	desired int32
	ebc     int32
	inPanic bool
}

type got struct {
	Desired int32
	EBC     int32
	Panic   bool
}

func TestDecide(t *testing.T) {
	const a = autoscaling.GroupName + "/"
	tests := []struct {
		name   string
		modify func(*config.DeciderSpec)
		ann    map[string]string
		opts   []Option
		steps  []step
	}{{
		name: "stable scaling rounds up",
		steps: []step{
			{at: 2, stable: 100, panic: 100, ready: 2, desired: 2, ebc: -111},
			{at: 4, stable: 141, panic: 141, ready: 2, desired: 3, ebc: -152},
			{at: 6, stable: 0, panic: 0, ready: 3, desired: 1, ebc: 89},
		},
	}, {
		name: "no ready pods decide as one",
		steps: []step{
			{at: 2, stable: 50, panic: 50, ready: 0, desired: 1, ebc: -261},
		},
	}, {
		name:   "max scale up rate",
		modify: func(s *config.DeciderSpec) { s.MaxScaleUpRate = 2.5 },
		steps: []step{
			// ceil(2.5*2) = 5; the unclamped panic 10/2 >= 2 panics.
			{at: 2, stable: 700, panic: 700, ready: 2, desired: 5, ebc: -711, inPanic: true},
		},
	}, {
		name:   "max scale up rate grows at least one pod",
		modify: func(s *config.DeciderSpec) { s.MaxScaleUpRate = 1.1; s.TargetValue = 1 },
		steps: []step{
			{at: 2, stable: 3, panic: 3, ready: 2, desired: 3, ebc: -14},
		},
	}, {
		name: "max scale down rate",
		steps: []step{
			{at: 2, stable: 0, panic: 0, ready: 10, desired: 5, ebc: 789},
			{at: 4, stable: 0, panic: 0, ready: 5, desired: 2, ebc: 289},
			{at: 6, stable: 0, panic: 0, ready: 2, desired: 1, ebc: -11},
			{at: 8, stable: 0, panic: 0, ready: 1, desired: 0, ebc: -111},
		},
	}, {
		name:   "unreachable scales down at once",
		modify: func(s *config.DeciderSpec) { s.Reachable = false },
		steps: []step{
			{at: 2, stable: 0, panic: 0, ready: 10, desired: 0, ebc: 789},
		},
	}, {
		name: "panic starts, holds, never decreases and ends after a stable window",
		steps: []step{
			{at: 2, stable: 70, panic: 70, ready: 1, desired: 1, ebc: -181},
			// ceil(150/70) = 3 over 1 ready: 3 >= 2.
			{at: 4, stable: 80, panic: 150, ready: 1, desired: 3, ebc: -261, inPanic: true},
			// Below threshold; panic holds, the larger window wins.
			{at: 6, stable: 80, panic: 200, ready: 3, desired: 3, ebc: -111, inPanic: true},
			// Lower load; no decrease in panic.
			{at: 8, stable: 60, panic: 60, ready: 3, desired: 3, ebc: 29, inPanic: true},
			// 4 + 60 = 64 is not after 64: still in panic.
			{at: 64, stable: 60, panic: 60, ready: 3, desired: 3, ebc: 29, inPanic: true},
			// A second later it ends; the stable count applies again.
			{at: 65, stable: 60, panic: 60, ready: 3, desired: 1, ebc: 29},
		},
	}, {
		name: "over the threshold extends the panic",
		steps: []step{
			{at: 2, stable: 70, panic: 150, ready: 1, desired: 3, ebc: -261, inPanic: true},
			{at: 50, stable: 70, panic: 420, ready: 3, desired: 6, ebc: -331, inPanic: true},
			// 50 + 60 = 110: not yet over.
			{at: 100, stable: 70, panic: 70, ready: 6, desired: 6, ebc: 319, inPanic: true},
			{at: 111, stable: 70, panic: 70, ready: 6, desired: 3, ebc: 319},
		},
	}, {
		name:   "panic threshold percentage",
		ann:    map[string]string{a + "panic-threshold-percentage": "110"},
		steps:  []step{{at: 2, stable: 10, panic: 141, ready: 2, desired: 3, ebc: -152, inPanic: true}},
		modify: nil,
	}, {
		name: "stable larger than panic in panic",
		steps: []step{
			{at: 2, stable: 10, panic: 150, ready: 1, desired: 3, ebc: -261, inPanic: true},
			{at: 4, stable: 400, panic: 10, ready: 3, desired: 6, ebc: 79, inPanic: true},
		},
	}, {
		name: "activation scale raises non-zero results",
		ann:  map[string]string{a + "activation-scale": "3"},
		steps: []step{
			{at: 2, stable: 10, panic: 10, ready: 1, desired: 3, ebc: -121},
			{at: 4, stable: 0, panic: 0, ready: 3, desired: 1, ebc: 89},
			{at: 6, stable: 300, panic: 300, ready: 3, desired: 5, ebc: -211},
		},
	}, {
		name: "activation scale leaves zero alone",
		ann:  map[string]string{a + "activation-scale": "3"},
		steps: []step{
			{at: 2, stable: 0, panic: 0, ready: 1, desired: 0, ebc: -111},
		},
	}, {
		name: "scale-down delay keeps the maximum of the window",
		ann:  map[string]string{a + "scale-down-delay": "6s"},
		steps: []step{
			{at: 2, stable: 700, panic: 700, ready: 10, desired: 10, ebc: 89},
			{at: 4, stable: 0, panic: 0, ready: 10, desired: 10, ebc: 789},
			{at: 6, stable: 0, panic: 0, ready: 10, desired: 10, ebc: 789},
			// Slots of 2s: 8/2 - 2/2 = 3 slots ago falls out.
			{at: 8, stable: 0, panic: 0, ready: 10, desired: 5, ebc: 789},
		},
	}, {
		name: "scale-down delay takes the larger decision in one slot",
		ann:  map[string]string{a + "scale-down-delay": "2s"},
		steps: []step{
			{at: 2, stable: 700, panic: 700, ready: 10, desired: 10, ebc: 89},
			{at: 3, stable: 0, panic: 0, ready: 10, desired: 10, ebc: 789},
			{at: 4, stable: 0, panic: 0, ready: 10, desired: 5, ebc: 789},
		},
	}, {
		name:  "burst capacity 0",
		ann:   map[string]string{a + "target-burst-capacity": "0"},
		steps: []step{{at: 2, stable: 1000, panic: 1000, ready: 20, desired: 15, ebc: 0}},
	}, {
		name:  "burst capacity -1",
		ann:   map[string]string{a + "target-burst-capacity": "-1"},
		steps: []step{{at: 2, stable: 10, panic: 10, ready: 20, desired: 10, ebc: -1}},
	}, {
		name: "burst capacity floors",
		steps: []step{
			{at: 2, stable: 50.5, panic: 50.5, ready: 3, desired: 1, ebc: 38},
			{at: 4, stable: 50, panic: 50.5, ready: 0, desired: 1, ebc: -262},
		},
	}, {
		name: "burst capacity with container concurrency",
		modify: func(s *config.DeciderSpec) {
			s.TargetValue, s.TotalValue, s.TargetBurstCapacity = 7, 10, 5
		},
		steps: []step{{at: 2, stable: 20, panic: 20, ready: 4, desired: 3, ebc: 15}},
	}, {
		name: "started with several pods panics",
		opts: []Option{StartedWith(at(0), 4)},
		steps: []step{
			{at: 2, stable: 0, panic: 0, ready: 4, desired: 4, ebc: 189, inPanic: true},
			{at: 61, stable: 0, panic: 0, ready: 4, desired: 2, ebc: 189},
		},
	}, {
		name:  "started with one pod does not panic",
		opts:  []Option{StartedWith(at(0), 1)},
		steps: []step{{at: 2, stable: 0, panic: 0, ready: 1, desired: 0, ebc: -111}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := defaultSpec(t, tc.ann, 0)
			if tc.modify != nil {
				tc.modify(&spec)
			}
			a, err := New(spec, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			var want, have []got
			for _, s := range tc.steps {
				d := a.Decide(at(s.at), s.stable, s.panic, s.ready)
				want = append(want, got{s.desired, s.ebc, s.inPanic})
				have = append(have, got{d.DesiredPodCount, d.ExcessBurstCapacity, d.PanicMode})
			}
			if diff := cmp.Diff(want, have); diff != "" {
				t.Errorf("decisions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecisionFields(t *testing.T) {
	a, err := New(defaultSpec(t, nil, 0))
	if err != nil {
		t.Fatal(err)
	}
	got := a.Decide(at(2), 100, 300, 3)
	want := Decision{
		Valid: true, DesiredPodCount: 5, ExcessBurstCapacity: -211, PanicMode: false,
		ObservedStable: 100, ObservedPanic: 300, DesiredStable: 2, DesiredPanic: 5,
		MaxScaleUp: 3000, MaxScaleDown: 1, ReadyPods: 3,
	}
	// ceil(300/70) = 5 over 3 ready is below 2: no panic, stable count 2.
	want.DesiredPodCount = 2
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*config.DeciderSpec)
		want   string
	}{
		{"target", func(s *config.DeciderSpec) { s.TargetValue = 0 }, "target value must be positive, was 0"},
		{"rates", func(s *config.DeciderSpec) { s.MaxScaleDownRate = 0 }, "scale rates must be positive, were up 1000 down 0"},
		{"tick", func(s *config.DeciderSpec) { s.TickInterval = 0 }, "tick interval must be at least 1s, was 0s"},
		{"delay", func(s *config.DeciderSpec) { s.ScaleDownDelay = -time.Second }, "scale-down-delay must not be negative, was -1s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := defaultSpec(t, nil, 0)
			tc.modify(&s)
			_, err := New(s)
			if err == nil || err.Error() != tc.want {
				t.Errorf("New error = %v, want %q", err, tc.want)
			}
			a, _ := New(defaultSpec(t, nil, 0))
			if err := a.Update(s); err == nil {
				t.Error("Update accepted an invalid spec")
			}
		})
	}
}

// TestStep replays a concurrency step from 50 to 700 through the collector
// and the decider with the defaults, ready pods following the decisions.
func TestStep(t *testing.T) {
	spec := defaultSpec(t, nil, 0)
	c := metrics.NewCollector(metrics.SpecFor(spec))
	a, err := New(spec, WithMetrics(c), StartedWith(at(0), 1))
	if err != nil {
		t.Fatal(err)
	}
	ready := 1
	var panicAt, tenAt int
	for s := 0; s <= 120; s++ {
		v := 50.0
		if s >= 60 {
			v = 700
		}
		c.Record(at(s), metrics.Stat{AverageConcurrentRequests: v})
		if s == 0 || s%2 != 0 {
			continue
		}
		d := a.Scale(at(s), ready)
		if !d.Valid {
			t.Fatalf("second %d: invalid: %v", s, d.Err)
		}
		if d.PanicMode && panicAt == 0 {
			panicAt = s
		}
		if d.DesiredPodCount == 10 && tenAt == 0 {
			tenAt = s
		}
		if s < 60 && d.DesiredPodCount != 1 {
			t.Errorf("second %d: desired %d before the step, want 1", s, d.DesiredPodCount)
		}
		if s >= 60 && d.DesiredPodCount > 10 {
			t.Errorf("second %d: desired %d, want at most 10", s, d.DesiredPodCount)
		}
		ready = int(d.DesiredPodCount)
	}
	if panicAt < 60 || panicAt > 66 {
		t.Errorf("panic started at %d, want within the 6s panic window after 60", panicAt)
	}
	if tenAt < 60 || tenAt > 66 {
		t.Errorf("desired reached 10 at %d, want within the 6s panic window after 60", tenAt)
	}
	if ready != 10 {
		t.Errorf("final desired %d, want 10", ready)
	}
}

// TestGradualScaleDown checks that a drop in load is followed at most at
// max-scale-down-rate per tick.
func TestGradualScaleDown(t *testing.T) {
	spec := defaultSpec(t, map[string]string{autoscaling.WindowAnnotationKey: "6s"}, 0)
	c := metrics.NewCollector(metrics.SpecFor(spec))
	a, _ := New(spec, WithMetrics(c))
	ready := 40
	var seen []int32
	for s := 0; s <= 30; s++ {
		v := 2800.0
		if s >= 10 {
			v = 0
		}
		c.Record(at(s), metrics.Stat{AverageConcurrentRequests: v})
		if s == 0 || s%2 != 0 {
			continue
		}
		d := a.Scale(at(s), ready)
		if d.DesiredPodCount < int32(ready/2) {
			t.Errorf("second %d: %d -> %d is faster than max-scale-down-rate 2", s, ready, d.DesiredPodCount)
		}
		ready = int(d.DesiredPodCount)
		seen = append(seen, d.DesiredPodCount)
	}
	// At 10 the 6s window holds five seconds of 2800: ceil(2333.3/70) = 34;
	// then the stable count falls faster than halving, so the rate binds.
	want := []int32{40, 40, 40, 40, 34, 20, 10, 5, 2, 1, 0, 0, 0, 0, 0}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("desired per tick (-want +got):\n%s", diff)
	}
}

func TestScaleRPS(t *testing.T) {
	spec := defaultSpec(t, map[string]string{autoscaling.MetricAnnotationKey: autoscaling.RPS}, 0)
	c := metrics.NewCollector(metrics.SpecFor(spec))
	a, _ := New(spec, WithMetrics(c))
	for s := 0; s <= 2; s++ {
		c.Record(at(s), metrics.Stat{AverageConcurrentRequests: 1, RequestCount: 700})
	}
	d := a.Scale(at(2), 5)
	// 700 rps over a 140 rps target.
	if d.DesiredPodCount != 5 || d.ObservedStable != 700 {
		t.Errorf("rps decision: desired %d stable %v, want 5 700", d.DesiredPodCount, d.ObservedStable)
	}
}

func TestScaleWithoutData(t *testing.T) {
	spec := defaultSpec(t, nil, 0)
	a, _ := New(spec)
	if d := a.Scale(at(2), 1); d.Valid || d.Err == nil {
		t.Errorf("no source: %+v", d)
	}
	c := metrics.NewCollector(metrics.SpecFor(spec))
	a, _ = New(spec, WithMetrics(c))
	d := a.Scale(at(2), 1)
	want := Decision{Err: metrics.ErrNoData, ReadyPods: 1}
	if diff := cmp.Diff(want, d, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !errors.Is(d.Err, metrics.ErrNoData) {
		t.Errorf("err = %v", d.Err)
	}
}

func TestUpdateKeepsState(t *testing.T) {
	spec := defaultSpec(t, nil, 0)
	a, _ := New(spec)
	a.Decide(at(2), 10, 150, 1)
	spec.TargetValue = 10
	if err := a.Update(spec); err != nil {
		t.Fatal(err)
	}
	if p, since := a.InPanic(); !p || !since.Equal(at(2)) {
		t.Errorf("panic lost on update: %v %v", p, since)
	}
	if got := a.Spec().TargetValue; got != 10 {
		t.Errorf("target %v", got)
	}
	// Adding a delay later has no effect, as in Knative.
	spec.ScaleDownDelay = time.Minute
	_ = a.Update(spec)
	if a.delay != nil {
		t.Error("Update created a delay window")
	}
}

// TestScaleDownDelayOnlyWhenReachable: a scale-down-delay holds a reachable
// revision's scale for its window, and an unreachable revision's not at all
// (Knative since v0.45).
func TestScaleDownDelayOnlyWhenReachable(t *testing.T) {
	tests := []struct {
		name      string
		reachable bool
		want      int32 // desired 10 s after the load fell from 10 to 1 pod's worth
	}{
		{name: "reachable", reachable: true, want: 10},
		{name: "unreachable", reachable: false, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := defaultSpec(t, map[string]string{autoscaling.ScaleDownDelayAnnotationKey: "30s"}, 0)
			spec.Reachable = tc.reachable
			spec.MaxScaleDownRate = 1000 // no rate limit, so only the delay holds the scale
			a, err := New(spec)
			if err != nil {
				t.Fatal(err)
			}
			target := spec.TargetValue
			a.Decide(at(0), 10*target, 10*target, 10)
			if got := a.Decide(at(10), target, target, 10).DesiredPodCount; got != tc.want {
				t.Errorf("desired = %d, want %d", got, tc.want)
			}
		})
	}
}
