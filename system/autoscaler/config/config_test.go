package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDefault(t *testing.T) {
	want := &Config{
		EnableScaleToZero:                  true,
		ContainerConcurrencyTargetFraction: 0.7,
		ContainerConcurrencyTargetDefault:  100,
		TargetUtilization:                  0.7,
		RPSTargetDefault:                   200,
		TargetBurstCapacity:                211,
		ActivatorCapacity:                  100,
		InitialScale:                       1,
		MaxScaleUpRate:                     1000,
		MaxScaleDownRate:                   2,
		StableWindow:                       time.Minute,
		PanicWindowPercentage:              10,
		PanicThresholdPercentage:           200,
		ScaleToZeroGracePeriod:             30 * time.Second,
		PodAutoscalerClass:                 "kpa.autoscaling.knative.dev",
		TickInterval:                       2 * time.Second,
	}
	got, err := NewConfigFromMap(nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewConfigFromMap(nil) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, Default()); diff != "" {
		t.Errorf("Default() (-want +got):\n%s", diff)
	}
}

func TestNewConfigFromMap(t *testing.T) {
	tests := []struct {
		name   string
		data   map[string]string
		modify func(*Config)
	}{{
		name:   "percentage as percent",
		data:   map[string]string{KeyContainerConcurrencyTargetFraction: "80"},
		modify: func(c *Config) { c.ContainerConcurrencyTargetFraction = 0.8 },
	}, {
		name:   "percentage as legacy fraction",
		data:   map[string]string{KeyContainerConcurrencyTargetFraction: "0.5"},
		modify: func(c *Config) { c.ContainerConcurrencyTargetFraction = 0.5 },
	}, {
		name:   "surrounding spaces",
		data:   map[string]string{KeyStableWindow: " 30s "},
		modify: func(c *Config) { c.StableWindow = 30 * time.Second },
	}, {
		name: "every key",
		data: map[string]string{
			KeyStableWindow: "2m", KeyPanicWindowPercentage: "20", KeyPanicThresholdPercentage: "150",
			KeyContainerConcurrencyTargetDefault: "50", KeyContainerConcurrencyTargetFraction: "100",
			KeyRPSTargetDefault: "300", KeyMaxScaleUpRate: "10", KeyMaxScaleDownRate: "4",
			KeyTargetBurstCapacity: "-1", KeyActivatorCapacity: "200", KeyScaleToZeroGracePeriod: "1m",
			KeyScaleToZeroPodRetentionPeriod: "5m", KeyScaleDownDelay: "30s", KeyInitialScale: "0",
			KeyAllowZeroInitialScale: "true", KeyEnableScaleToZero: "false", KeyMinScale: "2",
			KeyMaxScale: "8", KeyMaxScaleLimit: "10", KeyPodAutoscalerClass: "hpa.autoscaling.knative.dev",
			KeyTickInterval: "1s", "_example": "ignored", "unknown-key": "ignored",
		},
		modify: func(c *Config) {
			*c = Config{
				StableWindow: 2 * time.Minute, PanicWindowPercentage: 20, PanicThresholdPercentage: 150,
				ContainerConcurrencyTargetDefault: 50, ContainerConcurrencyTargetFraction: 1,
				TargetUtilization: 0.7, RPSTargetDefault: 300, MaxScaleUpRate: 10, MaxScaleDownRate: 4,
				TargetBurstCapacity: -1, ActivatorCapacity: 200, ScaleToZeroGracePeriod: time.Minute,
				ScaleToZeroPodRetentionPeriod: 5 * time.Minute, ScaleDownDelay: 30 * time.Second,
				InitialScale: 0, AllowZeroInitialScale: true, EnableScaleToZero: false, MinScale: 2,
				MaxScale: 8, MaxScaleLimit: 10, PodAutoscalerClass: "hpa.autoscaling.knative.dev",
				TickInterval: time.Second,
			}
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := Default()
			tc.modify(want)
			got, err := NewConfigFromMap(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewConfigFromMapErrors(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		want string
	}{
		{"bool", map[string]string{KeyEnableScaleToZero: "yes"}, `config-autoscaler: enable-scale-to-zero: invalid boolean "yes"`},
		{"float", map[string]string{KeyMaxScaleUpRate: "fast"}, `config-autoscaler: max-scale-up-rate: invalid number "fast"`},
		{"int", map[string]string{KeyInitialScale: "1.5"}, `config-autoscaler: initial-scale: invalid integer "1.5"`},
		{"duration", map[string]string{KeyStableWindow: "60"}, `config-autoscaler: stable-window: invalid duration "60" (want e.g. 60s, 1m30s)`},
		{"grace zero", map[string]string{KeyScaleToZeroGracePeriod: "0s"}, "config-autoscaler: scale-to-zero-grace-period: must be positive, was 0s"},
		{"delay negative", map[string]string{KeyScaleDownDelay: "-1s"}, "config-autoscaler: scale-down-delay: cannot be negative, was -1s"},
		{"delay fractional", map[string]string{KeyScaleDownDelay: "1500ms"}, "config-autoscaler: scale-down-delay: 1.5s must be specified with at most second precision"},
		{"retention negative", map[string]string{KeyScaleToZeroPodRetentionPeriod: "-1m"}, "config-autoscaler: scale-to-zero-pod-retention-period: cannot be negative, was -1m0s"},
		{"tbc", map[string]string{KeyTargetBurstCapacity: "-2"}, "config-autoscaler: target-burst-capacity: must be non-negative or -1 (activator always in the path), was -2"},
		{"percentage zero", map[string]string{KeyContainerConcurrencyTargetFraction: "0"}, "config-autoscaler: container-concurrency-target-percentage: 0 is outside of the valid range (0, 100]"},
		{"percentage big", map[string]string{KeyContainerConcurrencyTargetFraction: "150"}, "config-autoscaler: container-concurrency-target-percentage: 150 is outside of the valid range (0, 100]"},
		{"target tiny", map[string]string{KeyContainerConcurrencyTargetDefault: "0.001"}, "config-autoscaler: container-concurrency-target-default: with container-concurrency-target-percentage yields a target concurrency of 0.0007, less than 0.01"},
		{"rps", map[string]string{KeyRPSTargetDefault: "0"}, "config-autoscaler: requests-per-second-target-default: must be at least 0.01, was 0"},
		{"activator capacity", map[string]string{KeyActivatorCapacity: "0.5"}, "config-autoscaler: activator-capacity: must be at least 1, was 0.5"},
		{"up rate", map[string]string{KeyMaxScaleUpRate: "1"}, "config-autoscaler: max-scale-up-rate: must be greater than 1.0, was 1"},
		{"down rate", map[string]string{KeyMaxScaleDownRate: "0.5"}, "config-autoscaler: max-scale-down-rate: must be greater than 1.0, was 0.5"},
		{"window short", map[string]string{KeyStableWindow: "5s"}, "config-autoscaler: stable-window: 5s must be in [6s, 1h0m0s]"},
		{"window long", map[string]string{KeyStableWindow: "2h"}, "config-autoscaler: stable-window: 2h0m0s must be in [6s, 1h0m0s]"},
		{"window fractional", map[string]string{KeyStableWindow: "6500ms"}, "config-autoscaler: stable-window: 6.5s must be specified with at most second precision"},
		{"panic window", map[string]string{KeyPanicWindowPercentage: "101"}, "config-autoscaler: panic-window-percentage: 101 must be in [1, 100]"},
		{"initial zero", map[string]string{KeyInitialScale: "0"}, "config-autoscaler: initial-scale: 0 must be at least 0 (at least 1 unless allow-zero-initial-scale is true)"},
		{"initial negative", map[string]string{KeyInitialScale: "-1", KeyAllowZeroInitialScale: "true"}, "config-autoscaler: initial-scale: -1 must be at least 0 (at least 1 unless allow-zero-initial-scale is true)"},
		{"limit negative", map[string]string{KeyMaxScaleLimit: "-1"}, "config-autoscaler: max-scale-limit: must be at least 0, was -1"},
		{"max over limit", map[string]string{KeyMaxScaleLimit: "5", KeyMaxScale: "6"}, "config-autoscaler: max-scale: 6 must be in [1, max-scale-limit(5)]"},
		{"max unbounded with limit", map[string]string{KeyMaxScaleLimit: "5"}, "config-autoscaler: max-scale: 0 must be in [1, max-scale-limit(5)]"},
		{"max negative", map[string]string{KeyMaxScale: "-1"}, "config-autoscaler: max-scale: -1 must be in [0, max-scale-limit(0)]"},
		{"min over max", map[string]string{KeyMinScale: "3", KeyMaxScale: "2"}, "config-autoscaler: min-scale: 3 must be in [0, max-scale(2)]"},
		{"tick", map[string]string{KeyTickInterval: "1500ms"}, "config-autoscaler: tick-interval: 1.5s must be a whole number of seconds, at least 1s"},
		{"class", map[string]string{KeyPodAutoscalerClass: ""}, "config-autoscaler: pod-autoscaler-class: must not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewConfigFromMap(tc.data)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	keys := Keys()
	if len(keys) != 21 {
		t.Errorf("Keys() has %d keys, want 21: %v", len(keys), keys)
	}
	got := UnknownKeys(map[string]string{"stable-window": "", "_example": "", "stabel-window": "", "a": ""})
	if diff := cmp.Diff([]string{"a", "stabel-window"}, got); diff != "" {
		t.Errorf("UnknownKeys (-want +got):\n%s", diff)
	}
}
