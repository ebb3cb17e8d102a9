package runner_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
)

// TestMultiscalerHPA feeds per-second CPU samples to an HPA-class
// decider and checks the desired scale after each 15 s sync, with the
// syncs as engine events on the simulator's clock, as in a run.
func TestMultiscalerHPA(t *testing.T) {
	key := types.NamespacedName{Namespace: "default", Name: "cpu-1"}
	// usage returns n pods' samples at milli each.
	usage := func(n int, milli float64) []hpa.Usage {
		out := make([]hpa.Usage, n)
		for i := range out {
			out[i] = hpa.Usage{Pod: fmt.Sprintf("pod-%d", i), Milli: milli}
		}
		return out
	}
	type window struct {
		pods    multiscaler.HPAPods
		seconds func(s int) []hpa.Usage // the samples of second s of the window
		want    int32
	}
	tests := []struct {
		name    string
		spec    hpa.Spec
		windows []window
	}{{
		name: "twice the target doubles the pods",
		spec: hpa.DefaultSpec(1, math.MaxInt32, 80),
		windows: []window{{
			pods:    multiscaler.HPAPods{Replicas: 2, RequestMilli: 500},
			seconds: func(int) []hpa.Usage { return usage(2, 800) }, // 160%
			want:    4,
		}},
	}, {
		name: "the window's mean counts, not its last second",
		spec: hpa.DefaultSpec(1, math.MaxInt32, 50),
		windows: []window{{
			pods: multiscaler.HPAPods{Replicas: 2, RequestMilli: 1000},
			// 1000m for 3 s of 15: mean 200m, 20%: ceil(0.4 * 2) = 1.
			seconds: func(s int) []hpa.Usage {
				if s >= 12 {
					return usage(2, 1000)
				}
				return usage(2, 0)
			},
			want: 2, // the scale-down waits for the stabilisation window
		}},
	}, {
		name: "within the 10% tolerance nothing changes",
		spec: hpa.DefaultSpec(1, math.MaxInt32, 80),
		windows: []window{{
			pods:    multiscaler.HPAPods{Replicas: 4, RequestMilli: 1000},
			seconds: func(int) []hpa.Usage { return usage(4, 879) }, // ratio 1.099
			want:    4,
		}, {
			pods:    multiscaler.HPAPods{Replicas: 4, RequestMilli: 1000},
			seconds: func(int) []hpa.Usage { return usage(4, 881) }, // ratio 1.101
			want:    5,
		}},
	}, {
		name: "a pod no longer reported is not counted",
		spec: hpa.DefaultSpec(1, math.MaxInt32, 50),
		windows: []window{{
			pods: multiscaler.HPAPods{Replicas: 2, RequestMilli: 1000},
			// pod-1 leaves after 5 s; pod-0 alone at 100%: ceil(2 * 1) = 2.
			seconds: func(s int) []hpa.Usage {
				if s < 5 {
					return usage(2, 1000)
				}
				return usage(1, 1000)
			},
			want: 2,
		}},
	}, {
		name: "not-ready pods hold a scale-up back",
		spec: hpa.DefaultSpec(1, math.MaxInt32, 50),
		windows: []window{{
			// 2 ready at 100%, 2 starting at 0: 50% over 4, at target.
			pods:    multiscaler.HPAPods{Replicas: 4, NotReady: 2, RequestMilli: 1000},
			seconds: func(int) []hpa.Usage { return usage(2, 1000) },
			want:    4,
		}},
	}, {
		name: "no CPU request keeps the scale",
		spec: hpa.DefaultSpec(1, math.MaxInt32, 50),
		windows: []window{{
			pods:    multiscaler.HPAPods{Replicas: 3},
			seconds: func(int) []hpa.Usage { return usage(3, 1000) },
			want:    3,
		}},
	}, {
		name: "idle goes back to min after five minutes",
		spec: hpa.DefaultSpec(2, math.MaxInt32, 50),
		windows: append([]window{{
			pods:    multiscaler.HPAPods{Replicas: 6, RequestMilli: 1000},
			seconds: func(int) []hpa.Usage { return usage(6, 500) },
			want:    6,
		}}, repeat(19, window{
			pods:    multiscaler.HPAPods{Replicas: 6, RequestMilli: 1000},
			seconds: func(int) []hpa.Usage { return usage(6, 0) },
			want:    6,
		})...),
	}}
	// The last case's 21st sync, 5 min after the busy one, scales down (the
	// window keeps recommendations strictly after now-5m).
	tests[len(tests)-1].windows = append(tests[len(tests)-1].windows, window{
		pods:    multiscaler.HPAPods{Replicas: 6, RequestMilli: 1000},
		seconds: func(int) []hpa.Usage { return usage(6, 0) },
		want:    2,
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The engine's clock runs the syncs as events, as in a run.
			eng, err := engine.New(engine.Config{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			m := multiscaler.New(eng.Clock(), nil)
			var want, got []int32
			for _, w := range tc.windows {
				if err := m.EnsureHPA(key, tc.spec, w.pods); err != nil {
					t.Fatal(err)
				}
				// The data plane reports each second before the sync at its end.
				start := eng.Now()
				for s := range 15 {
					eng.Schedule(start.Add(time.Duration(s)*time.Second), func(now time.Time) { m.ReportCPU(now, key, w.seconds(s)) })
				}
				eng.RunUntil(start.Add(hpa.DefaultSyncPeriod))
				st, _ := m.Status(key)
				want, got = append(want, w.want), append(got, st.DesiredScale)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("desired after each sync (-want +got):\n%s", diff)
			}
			if _, ok := m.LastHPADecision(key); !ok {
				t.Error("no HPA decision recorded")
			}
		})
	}
}

func repeat[T any](n int, v T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}
