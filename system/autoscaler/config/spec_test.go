package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
)

// defaultSpec is the spec of a revision with no annotations and
// containerConcurrency 0 under the default config.
func defaultSpec() DeciderSpec {
	return DeciderSpec{
		Class:                  autoscaling.KPA,
		Metric:                 autoscaling.Concurrency,
		Algorithm:              autoscaling.AlgorithmLinear,
		TargetValue:            70,
		TotalValue:             100,
		TargetBurstCapacity:    211,
		ActivatorCapacity:      100,
		PanicThreshold:         2,
		MaxScaleUpRate:         1000,
		MaxScaleDownRate:       2,
		StableWindow:           time.Minute,
		PanicWindow:            6 * time.Second,
		TickInterval:           2 * time.Second,
		InitialScale:           1,
		Reachable:              true,
		EnableScaleToZero:      true,
		ScaleToZeroGracePeriod: 30 * time.Second,
	}
}

func TestResolve(t *testing.T) {
	const a = autoscaling.GroupName + "/"
	tests := []struct {
		name   string
		config map[string]string
		rev    Revision
		modify func(*DeciderSpec)
	}{{
		name:   "defaults",
		modify: func(*DeciderSpec) {},
	}, {
		name:   "unknown reachability counts as reachable",
		rev:    Revision{Reachability: v1alpha1.ReachabilityUnknown},
		modify: func(*DeciderSpec) {},
	}, {
		name:   "container concurrency",
		rev:    Revision{ContainerConcurrency: 10},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 7, 10 },
	}, {
		name:   "target annotation replaces default total",
		rev:    Revision{Annotations: map[string]string{a + "target": "50"}},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 35, 50 },
	}, {
		name:   "target annotation capped by container concurrency",
		rev:    Revision{ContainerConcurrency: 10, Annotations: map[string]string{a + "target": "50"}},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 7, 10 },
	}, {
		name:   "target annotation below container concurrency",
		rev:    Revision{ContainerConcurrency: 10, Annotations: map[string]string{a + "target": "5"}},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 3.5, 5 },
	}, {
		name: "target utilization annotation",
		rev: Revision{ContainerConcurrency: 10, Annotations: map[string]string{
			a + "target-utilization-percentage": "50"}},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 5, 10 },
	}, {
		name:   "target floor 0.01",
		rev:    Revision{Annotations: map[string]string{a + "target": "0.01", a + "target-utilization-percentage": "1"}},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 0.01, 0.01 },
	}, {
		name:   "config target percentage",
		config: map[string]string{KeyContainerConcurrencyTargetFraction: "100", KeyContainerConcurrencyTargetDefault: "20"},
		modify: func(s *DeciderSpec) { s.TargetValue, s.TotalValue = 20, 20 },
	}, {
		name:   "rps metric",
		rev:    Revision{ContainerConcurrency: 10, Annotations: map[string]string{a + "metric": "rps"}},
		modify: func(s *DeciderSpec) { s.Metric, s.TargetValue, s.TotalValue = autoscaling.RPS, 140, 200 },
	}, {
		name:   "rps metric with target not capped by container concurrency",
		rev:    Revision{ContainerConcurrency: 10, Annotations: map[string]string{a + "metric": "rps", a + "target": "100"}},
		modify: func(s *DeciderSpec) { s.Metric, s.TargetValue, s.TotalValue = autoscaling.RPS, 70, 100 },
	}, {
		name: "windows",
		rev: Revision{Annotations: map[string]string{a + "window": "10s", a + "panic-window-percentage": "15",
			a + "panic-threshold-percentage": "150"}},
		modify: func(s *DeciderSpec) {
			// 1.5s rounds to 2s.
			s.StableWindow, s.PanicWindow, s.PanicThreshold = 10*time.Second, 2*time.Second, 1.5
		},
	}, {
		name:   "panic window at least one bucket",
		rev:    Revision{Annotations: map[string]string{a + "window": "6s", a + "panic-window-percentage": "1"}},
		modify: func(s *DeciderSpec) { s.StableWindow, s.PanicWindow = 6*time.Second, time.Second },
	}, {
		name:   "panic window from config",
		config: map[string]string{KeyStableWindow: "2m", KeyPanicWindowPercentage: "25"},
		modify: func(s *DeciderSpec) { s.StableWindow, s.PanicWindow = 2*time.Minute, 30*time.Second },
	}, {
		name: "burst capacity, delay, retention, activation scale, algorithm",
		rev: Revision{Annotations: map[string]string{a + "target-burst-capacity": "-1", a + "scale-down-delay": "5m",
			a + "scale-to-zero-pod-retention-period": "90s", a + "activation-scale": "3",
			a + "metric-aggregation-algorithm": "weighted-exponential"}},
		modify: func(s *DeciderSpec) {
			s.TargetBurstCapacity, s.ScaleDownDelay, s.ScaleToZeroPodRetention = -1, 5*time.Minute, 90*time.Second
			s.ActivationScale, s.Algorithm = 3, autoscaling.AlgorithmWeightedExponential
		},
	}, {
		name:   "scale bounds from config",
		config: map[string]string{KeyMinScale: "1", KeyMaxScale: "9", KeyInitialScale: "2"},
		modify: func(s *DeciderSpec) { s.MinScale, s.MaxScale, s.InitialScale = 1, 9, 2 },
	}, {
		name:   "scale bounds from annotations",
		config: map[string]string{KeyMinScale: "1", KeyMaxScale: "9"},
		rev:    Revision{Annotations: map[string]string{a + "min-scale": "2", a + "max-scale": "20", a + "initial-scale": "5"}},
		modify: func(s *DeciderSpec) { s.MinScale, s.MaxScale, s.InitialScale = 2, 20, 5 },
	}, {
		name:   "unreachable ignores min-scale",
		rev:    Revision{Reachability: v1alpha1.ReachabilityUnreachable, Annotations: map[string]string{a + "min-scale": "2"}},
		modify: func(s *DeciderSpec) { s.Reachable = false },
	}, {
		name:   "unreachable ignores the last pod's retention",
		config: map[string]string{KeyScaleToZeroPodRetentionPeriod: "5m"},
		rev: Revision{Reachability: v1alpha1.ReachabilityUnreachable,
			Annotations: map[string]string{a + "scale-to-zero-pod-retention-period": "10m"}},
		modify: func(s *DeciderSpec) { s.Reachable = false },
	}, {
		name:   "retention from config and annotation",
		config: map[string]string{KeyScaleToZeroPodRetentionPeriod: "5m"},
		rev:    Revision{Annotations: map[string]string{a + "scale-to-zero-pod-retention-period": "10m"}},
		modify: func(s *DeciderSpec) { s.ScaleToZeroPodRetention = 10 * time.Minute },
	}, {
		name:   "initial scale zero not allowed falls back",
		rev:    Revision{Annotations: map[string]string{a + "initial-scale": "0"}},
		modify: func(*DeciderSpec) {},
	}, {
		name:   "initial scale zero allowed",
		config: map[string]string{KeyAllowZeroInitialScale: "true"},
		rev:    Revision{Annotations: map[string]string{a + "initial-scale": "0"}},
		modify: func(s *DeciderSpec) { s.InitialScale = 0 },
	}, {
		name:   "config class hpa defaults metric to cpu",
		config: map[string]string{KeyPodAutoscalerClass: autoscaling.HPA},
		modify: func(s *DeciderSpec) { s.Class, s.Metric = autoscaling.HPA, autoscaling.CPU },
	}, {
		name: "config reconciler settings",
		config: map[string]string{KeyEnableScaleToZero: "false", KeyScaleToZeroGracePeriod: "1m",
			KeyScaleToZeroPodRetentionPeriod: "2m", KeyMaxScaleUpRate: "3", KeyMaxScaleDownRate: "1.5",
			KeyActivatorCapacity: "50", KeyTickInterval: "1s"},
		modify: func(s *DeciderSpec) {
			s.EnableScaleToZero, s.ScaleToZeroGracePeriod, s.ScaleToZeroPodRetention = false, time.Minute, 2*time.Minute
			s.MaxScaleUpRate, s.MaxScaleDownRate, s.ActivatorCapacity, s.TickInterval = 3, 1.5, 50, time.Second
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := NewConfigFromMap(tc.config)
			if err != nil {
				t.Fatal(err)
			}
			want := defaultSpec()
			tc.modify(&want)
			got, err := cfg.Resolve(tc.rev)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	const a = autoscaling.GroupName + "/"
	tests := []struct {
		name   string
		config map[string]string
		ann    map[string]string
		want   string
	}{{
		name: "bad annotation",
		ann:  map[string]string{a + "window": "5s"},
		want: "expected 6s <= 5s <= 1h0m0s: metadata.annotations." + a + "window",
	}, {
		name:   "max-scale over limit",
		config: map[string]string{KeyMaxScaleLimit: "10", KeyMaxScale: "5"},
		ann:    map[string]string{a + "max-scale": "11"},
		want:   a + "max-scale=11 must be in [1, 10] (config-autoscaler max-scale-limit)",
	}, {
		name:   "unbounded max-scale with limit",
		config: map[string]string{KeyMaxScaleLimit: "10", KeyMaxScale: "5"},
		ann:    map[string]string{a + "max-scale": "0"},
		want:   a + "max-scale=0 must be in [1, 10] (config-autoscaler max-scale-limit)",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := NewConfigFromMap(tc.config)
			if err != nil {
				t.Fatal(err)
			}
			_, err = cfg.Resolve(Revision{Annotations: tc.ann})
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPanicWindow(t *testing.T) {
	tests := []struct {
		stable time.Duration
		pct    float64
		want   time.Duration
	}{
		{time.Minute, 10, 6 * time.Second},
		{time.Minute, 100, time.Minute},
		{7 * time.Second, 10, time.Second},
		{25 * time.Second, 10, 3 * time.Second}, // 2.5s rounds half away from zero
		{6 * time.Second, 1, time.Second},
	}
	for _, tc := range tests {
		if got := PanicWindow(tc.stable, tc.pct); got != tc.want {
			t.Errorf("PanicWindow(%v, %v) = %v, want %v", tc.stable, tc.pct, got, tc.want)
		}
	}
}
