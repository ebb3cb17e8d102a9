package scaler

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/kpa"
)

var t0 = time.Unix(1_700_000_000, 0)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func spec(modify func(*config.DeciderSpec)) config.DeciderSpec {
	s, err := config.Default().Resolve(config.Revision{})
	if err != nil {
		panic(err)
	}
	if modify != nil {
		modify(&s)
	}
	return s
}

type scaled struct {
	Want    int32
	Apply   bool
	Requeue time.Duration
}

func TestScale(t *testing.T) {
	active := func(since int) PodAutoscaler {
		return PodAutoscaler{Activity: Active, Since: at(since), ScaleTargetInitialized: true}
	}
	inactive := func(since int) PodAutoscaler {
		return PodAutoscaler{Activity: Inactive, Since: at(since), ScaleTargetInitialized: true}
	}
	tests := []struct {
		name string
		in   Input
		want scaled
	}{{
		name: "unknown scale is not applied",
		in:   Input{Now: at(100), Spec: spec(nil), Decider: kpa.Status{DesiredScale: -1}, PA: active(0)},
		want: scaled{Want: -1},
	}, {
		name: "unknown scale while activating waits",
		in:   Input{Now: at(100), Spec: spec(nil), Decider: kpa.Status{DesiredScale: -1}, PA: PodAutoscaler{Since: at(0)}},
		want: scaled{Want: -1, Requeue: DefaultActivationTimeout},
	}, {
		name: "still activating after progress deadline + 10s",
		in:   Input{Now: at(611), Spec: spec(nil), Decider: kpa.Status{DesiredScale: -1}, PA: PodAutoscaler{Since: at(0)}},
		want: scaled{Want: -1, Requeue: DefaultActivationTimeout},
	}, {
		name: "activation timed out goes to zero",
		in:   Input{Now: at(631), Spec: spec(nil), Decider: kpa.Status{DesiredScale: -1}, PA: PodAutoscaler{Since: at(0)}},
		want: scaled{Want: 0, Apply: true},
	}, {
		name: "activation at exactly the timeout waits",
		in: Input{Now: at(10), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: PodAutoscaler{Since: at(0)},
			ActivationTimeout: 10 * time.Second},
		want: scaled{Want: -1, Requeue: 10 * time.Second},
	}, {
		name: "positive scale applied",
		in:   Input{Now: at(100), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 7}, PA: active(0)},
		want: scaled{Want: 7, Apply: true},
	}, {
		name: "clamped to max-scale",
		in:   Input{Now: at(100), Spec: spec(func(s *config.DeciderSpec) { s.MaxScale = 5 }), Decider: kpa.Status{DesiredScale: 7}, PA: active(0)},
		want: scaled{Want: 5, Apply: true},
	}, {
		name: "raised to min-scale",
		in:   Input{Now: at(100), Spec: spec(func(s *config.DeciderSpec) { s.MinScale = 2 }), Decider: kpa.Status{DesiredScale: 0}, PA: active(0)},
		want: scaled{Want: 2, Apply: true},
	}, {
		name: "initial scale until initialized",
		in: Input{Now: at(1), Spec: spec(func(s *config.DeciderSpec) { s.InitialScale = 3 }), Decider: kpa.Status{DesiredScale: 1},
			PA: PodAutoscaler{Activity: Activating, Since: at(0)}},
		want: scaled{Want: 3, Apply: true},
	}, {
		name: "initial scale ignored once initialized",
		in: Input{Now: at(100), Spec: spec(func(s *config.DeciderSpec) { s.InitialScale = 3 }), Decider: kpa.Status{DesiredScale: 1},
			PA: active(0)},
		want: scaled{Want: 1, Apply: true},
	}, {
		name: "scale to zero disabled keeps one",
		in: Input{Now: at(100), Spec: spec(func(s *config.DeciderSpec) { s.EnableScaleToZero = false }),
			Decider: kpa.Status{DesiredScale: 0}, PA: inactive(0), ActivatorInPath: true},
		want: scaled{Want: 1, Apply: true},
	}, {
		name: "active less than a stable window keeps one pod",
		in:   Input{Now: at(40), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: active(0)},
		want: scaled{Want: 1, Apply: true, Requeue: 20 * time.Second},
	}, {
		name: "active a stable window reports zero without applying",
		in:   Input{Now: at(60), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: active(0)},
		want: scaled{Want: 0},
	}, {
		name: "active a stable window in proxy mode rechecks",
		in: Input{Now: at(60), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: active(0),
			SKS: ServerlessService{Mode: ModeProxy}},
		want: scaled{Want: 0, Requeue: ProxyRecheck},
	}, {
		name: "inactive without the activator in the path waits",
		in:   Input{Now: at(100), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: inactive(0)},
		want: scaled{Want: 0, Requeue: ProbePeriod},
	}, {
		name: "inactive with burst capacity -1 needs no probe",
		in: Input{Now: at(100), Spec: spec(func(s *config.DeciderSpec) { s.TargetBurstCapacity = -1 }),
			Decider: kpa.Status{DesiredScale: 0}, PA: inactive(0)},
		want: scaled{Want: 0, Apply: true},
	}, {
		name: "inactive for the grace period",
		in:   Input{Now: at(30), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: inactive(0), ActivatorInPath: true},
		want: scaled{Want: 0, Apply: true},
	}, {
		name: "activator in the path for the grace period",
		in: Input{Now: at(20), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: inactive(10), ActivatorInPath: true,
			SKS: ServerlessService{Mode: ModeProxy, ActivatorSince: at(-10)}},
		want: scaled{Want: 0, Apply: true},
	}, {
		name: "activator in the path shorter than the grace period",
		in: Input{Now: at(20), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 0}, PA: inactive(10), ActivatorInPath: true,
			SKS: ServerlessService{Mode: ModeProxy, ActivatorSince: at(12)}},
		want: scaled{Want: 0, Requeue: 22 * time.Second},
	}, {
		name: "pod retention holds the last pod",
		in: Input{Now: at(40), Spec: spec(func(s *config.DeciderSpec) { s.ScaleToZeroPodRetention = time.Minute }),
			Decider: kpa.Status{DesiredScale: 0}, PA: inactive(0), ActivatorInPath: true,
			SKS: ServerlessService{Mode: ModeProxy, ActivatorSince: at(0)}},
		want: scaled{Want: 0, Requeue: 20 * time.Second},
	}, {
		name: "pod retention passed",
		in: Input{Now: at(60), Spec: spec(func(s *config.DeciderSpec) { s.ScaleToZeroPodRetention = time.Minute }),
			Decider: kpa.Status{DesiredScale: 0}, PA: inactive(0), ActivatorInPath: true},
		want: scaled{Want: 0, Apply: true},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got scaled
			got.Want, got.Apply, got.Requeue = Scale(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSKSMode(t *testing.T) {
	tests := []struct {
		want, ebc int32
		mode      Mode
	}{
		{0, 10, ModeProxy},
		{3, -5, ModeProxy},
		{3, 0, ModeServe},
		{1, 0, ModeServe},
		// An unknown scale keeps the activator in the path, inactive or not
		// (a new revision before its first decision).
		{-1, 0, ModeProxy},
		{-1, 10, ModeProxy},
	}
	for _, tc := range tests {
		if got := SKSMode(tc.want, tc.ebc); got != tc.mode {
			t.Errorf("SKSMode(%d, %d) = %s, want %s", tc.want, tc.ebc, got, tc.mode)
		}
	}
}

func TestNumActivators(t *testing.T) {
	tests := []struct {
		name  string
		ready int
		tbc   float64
		want  int32
	}{
		{"tbc 0", 100, 0, 2},
		{"small", 1, 211, 4},   // ceil((100+211)/100)
		{"large", 10, 211, 13}, // ceil((1000+211)/100)
		{"tbc -1", 10, -1, 10}, // ceil(1000/100)
		{"minimum", 0, -1, 2},  // max(2, 0)
	}
	for _, tc := range tests {
		s := spec(func(s *config.DeciderSpec) { s.TargetBurstCapacity = tc.tbc })
		if got := NumActivators(tc.ready, s); got != tc.want {
			t.Errorf("%s: NumActivators = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestNextActivity(t *testing.T) {
	initial3 := spec(func(s *config.DeciderSpec) { s.InitialScale = 3 })
	tests := []struct {
		name  string
		pa    PodAutoscaler
		spec  config.DeciderSpec
		want  int32
		ready int
		out   PodAutoscaler
	}{{
		name: "want zero", pa: PodAutoscaler{Activity: Active, Since: at(0), ScaleTargetInitialized: true},
		spec: spec(nil), want: 0, ready: 1,
		out: PodAutoscaler{Activity: Inactive, Since: at(10), ScaleTargetInitialized: true},
	}, {
		name: "scaling from zero", pa: PodAutoscaler{Activity: Inactive, Since: at(0), ScaleTargetInitialized: true},
		spec: spec(nil), want: 1, ready: 0,
		out: PodAutoscaler{Activity: Activating, Since: at(10), ScaleTargetInitialized: true},
	}, {
		name: "ready", pa: PodAutoscaler{Activity: Activating, Since: at(0)},
		spec: spec(nil), want: 1, ready: 1,
		out: PodAutoscaler{Activity: Active, Since: at(10), ScaleTargetInitialized: true},
	}, {
		name: "initial scale not yet reached", pa: PodAutoscaler{Activity: Activating, Since: at(0)},
		spec: initial3, want: 3, ready: 2,
		out: PodAutoscaler{Activity: Activating, Since: at(0)},
	}, {
		name: "initial scale reached", pa: PodAutoscaler{Activity: Activating, Since: at(0)},
		spec: initial3, want: 3, ready: 3,
		out: PodAutoscaler{Activity: Active, Since: at(10), ScaleTargetInitialized: true},
	}, {
		name: "unknown want keeps inactive", pa: PodAutoscaler{Activity: Inactive, Since: at(0), ScaleTargetInitialized: true},
		spec: spec(nil), want: -1, ready: 5,
		out: PodAutoscaler{Activity: Inactive, Since: at(0), ScaleTargetInitialized: true},
	}, {
		name: "unknown want, active loses pods", pa: PodAutoscaler{Activity: Active, Since: at(0), ScaleTargetInitialized: true},
		spec: spec(nil), want: -1, ready: 0,
		out: PodAutoscaler{Activity: Activating, Since: at(10), ScaleTargetInitialized: true},
	}, {
		name: "initial scale zero", pa: PodAutoscaler{Activity: Activating, Since: at(0)},
		spec: spec(func(s *config.DeciderSpec) { s.InitialScale = 0 }), want: -1, ready: 0,
		out: PodAutoscaler{Activity: Inactive, Since: at(10), ScaleTargetInitialized: true},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NextActivity(tc.pa, tc.spec, tc.want, tc.ready, at(10))
			if diff := cmp.Diff(tc.out, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestIdleToZero walks a revision whose traffic stopped: the decider says 0
// at 80s, the PodAutoscaler goes Inactive, the activator is put in the path,
// and the last pod goes after the grace period, or at once when the
// activator was already in the path for that long (negative excess burst
// capacity: Knative's fast path). Reconciles run every second.
func TestIdleToZero(t *testing.T) {
	tests := []struct {
		name   string
		ebc    int32
		zeroAt int
	}{
		{name: "grace period after the activator is put in the path", ebc: 0, zeroAt: 110},
		{name: "activator already in the path", ebc: -111, zeroAt: 81},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := spec(nil)
			pa := PodAutoscaler{Activity: Active, Since: at(0), ScaleTargetInitialized: true}
			sks := ServerlessService{Mode: ModeServe}
			replicas, ready := int32(1), 1
			decider := kpa.Status{DesiredScale: 1, ExcessBurstCapacity: tc.ebc}
			zeroAt := -1
			for now := 0; now <= 200; now++ {
				if now == 80 {
					// The stable window has drained: the decider wants zero.
					decider.DesiredScale = 0
				}
				r := Reconcile(Input{Now: at(now), Spec: s, Decider: decider, PA: pa, SKS: sks,
					ActivatorInPath: sks.Mode == ModeProxy, ReadyPods: ready})
				if r.Apply {
					replicas = r.Want
					ready = int(replicas)
				}
				if r.Mode != sks.Mode {
					sks = ServerlessService{Mode: r.Mode}
					if r.Mode == ModeProxy {
						sks.ActivatorSince = at(now)
					}
				}
				pa = r.PA
				if replicas == 0 && zeroAt < 0 {
					zeroAt = now
				}
			}
			if pa.Activity != Inactive || !pa.Since.Equal(at(80)) {
				t.Errorf("PA %v since %v, want Inactive since 80s", pa.Activity, pa.Since.Sub(t0))
			}
			if zeroAt != tc.zeroAt {
				t.Errorf("scaled to zero at %ds, want %ds", zeroAt, tc.zeroAt)
			}
		})
	}
}

func TestReconcile(t *testing.T) {
	in := Input{Now: at(100), Spec: spec(nil), Decider: kpa.Status{DesiredScale: 4, ExcessBurstCapacity: -20},
		PA: PodAutoscaler{Activity: Active, Since: at(0), ScaleTargetInitialized: true}, ReadyPods: 3}
	want := Result{Want: 4, Apply: true, Mode: ModeProxy, NumActivators: 6,
		PA: PodAutoscaler{Activity: Active, Since: at(0), ScaleTargetInitialized: true}}
	if diff := cmp.Diff(want, Reconcile(in)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if Activating.String() != "Unknown" || Active.String() != "True" || Inactive.String() != "False" {
		t.Error("Activity strings")
	}
}
