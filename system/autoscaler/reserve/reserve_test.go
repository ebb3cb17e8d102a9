package reserve

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

func TestFromAnnotations(t *testing.T) {
	tests := []struct {
		name string
		ann  map[string]string
		want Spec
		err  string
	}{
		{name: "absent", want: Spec{Type: TypeECI, Replicas: 1}},
		{name: "enable with defaults", ann: map[string]string{autoscaling.ReserveInstanceKey: "enable"},
			want: Spec{Enabled: true, Type: TypeECI, Replicas: 1}},
		{name: "all set", ann: map[string]string{autoscaling.ReserveInstanceKey: "enable",
			autoscaling.ReserveInstanceTypeKey: "ECS", autoscaling.ReserveInstanceReplicasKey: "3"},
			want: Spec{Enabled: true, Type: TypeECS, Replicas: 3}},
		{name: "disable", ann: map[string]string{autoscaling.ReserveInstanceKey: "disable"},
			want: Spec{Type: TypeECI, Replicas: 1}},
		{name: "bad switch", ann: map[string]string{autoscaling.ReserveInstanceKey: "on"},
			err: `knative.aliyun.com/reserve-instance: "on": want "enable" or "disable"`},
		{name: "bad type", ann: map[string]string{autoscaling.ReserveInstanceTypeKey: "gpu"},
			err: `knative.aliyun.com/reserve-instance-type: "gpu": want one of eci, ecs, acs`},
		{name: "bad replicas", ann: map[string]string{autoscaling.ReserveInstanceReplicasKey: "0"},
			err: `knative.aliyun.com/reserve-instance-replicas: "0": want an integer of at least 1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromAnnotations(tc.ann)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
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

var t0 = time.Unix(1_700_000_000, 0)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

type state struct {
	Phase    string
	Since    int
	Reserve  int32
	MinStd   int32
	InFlight int
}

func snapshot(r *Reserve) state {
	p, since := r.Phase()
	return state{p.String(), int(since.Sub(t0) / time.Second), r.ReserveReplicas(), r.MinStandard(), r.InFlight()}
}

func TestCycle(t *testing.T) {
	r := New(Spec{Enabled: true, Type: TypeECI, Replicas: 2}, at(0))
	var got []state
	var routes []Target
	step := func(f func()) {
		f()
		got = append(got, snapshot(r))
	}
	step(func() {})
	step(func() { r.StandardScaled(at(10), 3) })
	step(func() { r.StandardScaled(at(100), 0) })              // idle: keep reserve
	step(func() { routes = append(routes, r.Route(at(200))) }) // first request wakes
	step(func() { routes = append(routes, r.Route(at(201))) }) // still on reserve
	step(func() { r.Done(at(202), ToReserve) })                // one finishes
	step(func() { r.StandardReady(at(205), 1) })               // handover
	step(func() { routes = append(routes, r.Route(at(206))) }) // to standard
	step(func() { r.Done(at(206), ToStandard) })               // standard done: no change
	step(func() { r.Done(at(210), ToReserve) })                // reserve drained
	step(func() { r.StandardScaled(at(300), 0) })              // idle again
	step(func() { r.StandardReady(at(301), 1) })               // ready while idle, nothing in flight
	want := []state{
		{"Standard", 0, 0, 0, 0},
		{"Standard", 0, 0, 0, 0},
		{"Reserved", 100, 2, 0, 0},
		{"Waking", 200, 2, 1, 1},
		{"Waking", 200, 2, 1, 2},
		{"Waking", 200, 2, 1, 1},
		{"Handover", 205, 2, 0, 1},
		{"Handover", 205, 2, 0, 1},
		{"Handover", 205, 2, 0, 1},
		{"Standard", 210, 0, 0, 0},
		{"Reserved", 300, 2, 0, 0},
		{"Standard", 301, 0, 0, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Target{ToReserve, ToReserve, ToStandard}, routes); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
}

func TestDisabled(t *testing.T) {
	r := New(Spec{Type: TypeECI, Replicas: 1}, at(0))
	r.StandardScaled(at(1), 0)
	if got := r.Route(at(2)); got != ToStandard {
		t.Errorf("route %v", got)
	}
	if p, _ := r.Phase(); p != Standard || r.ReserveReplicas() != 0 || r.MinStandard() != 0 {
		t.Errorf("disabled reserve left Standard: %v", p)
	}
	if r.Spec().Enabled || Phase(9).String() != "Phase(9)" {
		t.Error("spec or phase string")
	}
}

func TestScaledBackToZeroWhileWaking(t *testing.T) {
	r := New(Spec{Enabled: true, Type: TypeECI, Replicas: 1}, at(0))
	r.StandardScaled(at(1), 0)
	r.Route(at(2))
	r.Done(at(3), ToReserve)
	r.StandardScaled(at(4), 0)
	if p, since := r.Phase(); p != Reserved || !since.Equal(at(4)) {
		t.Errorf("phase %v since %v, want Reserved since 4", p, since)
	}
}
