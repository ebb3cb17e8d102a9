package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// ConfigMapName is the name of the ConfigMap Config is read from.
const ConfigMapName = "config-autoscaler"

// BucketSize is the width of one metric bucket: queue-proxy and activator
// report once a second, so the collector keeps one bucket per second.
const BucketSize = time.Second

// DefaultTickInterval is how often the decider evaluates a revision.
const DefaultTickInterval = 2 * time.Second

// DefaultTargetUtilization is the utilization applied to metrics other than
// concurrency (rps). Knative does not expose it in config-autoscaler; a
// revision overrides it with the target-utilization-percentage annotation.
const DefaultTargetUtilization = 0.7

// Keys of the config-autoscaler ConfigMap.
const (
	KeyStableWindow                       = "stable-window"
	KeyPanicWindowPercentage              = "panic-window-percentage"
	KeyPanicThresholdPercentage           = "panic-threshold-percentage"
	KeyContainerConcurrencyTargetDefault  = "container-concurrency-target-default"
	KeyContainerConcurrencyTargetFraction = "container-concurrency-target-percentage"
	KeyRPSTargetDefault                   = "requests-per-second-target-default"
	KeyMaxScaleUpRate                     = "max-scale-up-rate"
	KeyMaxScaleDownRate                   = "max-scale-down-rate"
	KeyTargetBurstCapacity                = "target-burst-capacity"
	KeyActivatorCapacity                  = "activator-capacity"
	KeyScaleToZeroGracePeriod             = "scale-to-zero-grace-period"
	KeyScaleToZeroPodRetentionPeriod      = "scale-to-zero-pod-retention-period"
	KeyScaleDownDelay                     = "scale-down-delay"
	KeyInitialScale                       = "initial-scale"
	KeyAllowZeroInitialScale              = "allow-zero-initial-scale"
	KeyEnableScaleToZero                  = "enable-scale-to-zero"
	KeyMinScale                           = "min-scale"
	KeyMaxScale                           = "max-scale"
	KeyMaxScaleLimit                      = "max-scale-limit"
	KeyPodAutoscalerClass                 = "pod-autoscaler-class"
	// KeyTickInterval is a knsim extension: Knative hard-codes 2s.
	KeyTickInterval = "tick-interval"
)

// Config is the parsed config-autoscaler ConfigMap. Percentages that Knative
// keeps as fractions (container-concurrency-target-percentage) are kept as
// fractions here too; the panic percentages stay percentages.
type Config struct {
	// EnableScaleToZero lets revisions without min-scale reach zero pods.
	EnableScaleToZero bool
	// ContainerConcurrencyTargetFraction is container-concurrency-target-percentage
	// as a fraction in (0, 1] (70 and 0.7 both read as 0.7).
	ContainerConcurrencyTargetFraction float64
	// ContainerConcurrencyTargetDefault is the per-pod concurrency total used
	// when containerConcurrency is 0 (unlimited).
	ContainerConcurrencyTargetDefault float64
	// TargetUtilization is the utilization of the rps metric (not a key).
	TargetUtilization float64
	// RPSTargetDefault is the per-pod requests-per-second total.
	RPSTargetDefault float64
	// TargetBurstCapacity is the spare capacity to keep before the activator
	// is taken out of the path; 0 means never in the path (except from
	// zero), -1 means always in the path.
	TargetBurstCapacity float64
	// ActivatorCapacity is the concurrency one activator replica takes; it
	// sizes the activator subset of a revision.
	ActivatorCapacity float64
	// AllowZeroInitialScale permits initial-scale 0.
	AllowZeroInitialScale bool
	// InitialScale is the number of pods a new revision starts with.
	InitialScale int32
	// MinScale is the default lower bound of a revision's pods.
	MinScale int32
	// MaxScale is the default upper bound (0: unbounded).
	MaxScale int32
	// MaxScaleLimit caps max-scale (0: no cap).
	MaxScaleLimit int32
	// MaxScaleUpRate bounds one decision to ceil(rate * readyPods).
	MaxScaleUpRate float64
	// MaxScaleDownRate bounds one decision to floor(readyPods / rate).
	MaxScaleDownRate float64
	// StableWindow is the averaging window of the stable metric.
	StableWindow time.Duration
	// PanicWindowPercentage is the panic window as a percentage of StableWindow.
	PanicWindowPercentage float64
	// PanicThresholdPercentage is the ratio (in percent) of desired panic
	// pods to ready pods that starts panic mode.
	PanicThresholdPercentage float64
	// ScaleToZeroGracePeriod is how long the activator must have been in the
	// path before the last pod is removed.
	ScaleToZeroGracePeriod time.Duration
	// ScaleToZeroPodRetentionPeriod is the minimum time the last pod is kept
	// after the revision went inactive.
	ScaleToZeroPodRetentionPeriod time.Duration
	// ScaleDownDelay holds scale-down decisions: the decider applies the
	// maximum desired scale over this trailing window.
	ScaleDownDelay time.Duration
	// PodAutoscalerClass is the default autoscaler class.
	PodAutoscalerClass string
	// TickInterval is how often the decider runs (2s in Knative).
	TickInterval time.Duration
}

// Default returns Knative's defaults.
func Default() *Config {
	return &Config{
		EnableScaleToZero:                  true,
		ContainerConcurrencyTargetFraction: DefaultTargetUtilization,
		ContainerConcurrencyTargetDefault:  100,
		TargetUtilization:                  DefaultTargetUtilization,
		RPSTargetDefault:                   200,
		TargetBurstCapacity:                211,
		ActivatorCapacity:                  100,
		AllowZeroInitialScale:              false,
		InitialScale:                       1,
		MinScale:                           0,
		MaxScale:                           0,
		MaxScaleLimit:                      0,
		MaxScaleUpRate:                     1000,
		MaxScaleDownRate:                   2,
		StableWindow:                       60 * time.Second,
		PanicWindowPercentage:              10,
		PanicThresholdPercentage:           200,
		ScaleToZeroGracePeriod:             30 * time.Second,
		ScaleToZeroPodRetentionPeriod:      0,
		ScaleDownDelay:                     0,
		PodAutoscalerClass:                 autoscaling.KPA,
		TickInterval:                       DefaultTickInterval,
	}
}

// Keys lists every key NewConfigFromMap reads, sorted.
func Keys() []string {
	keys := make([]string, 0, len(parsers))
	for _, p := range parsers {
		keys = append(keys, p.key)
	}
	sort.Strings(keys)
	return keys
}

// UnknownKeys returns the keys of data that NewConfigFromMap ignores, sorted.
// Knative ignores them too (e.g. the "_example" block); callers may warn.
func UnknownKeys(data map[string]string) []string {
	known := make(map[string]bool, len(parsers))
	for _, p := range parsers {
		known[p.key] = true
	}
	var out []string
	for k := range data {
		if !known[k] && !strings.HasPrefix(k, "_") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

type parser struct {
	key   string
	parse func(c *Config, raw string) error
}

func asBool(get func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, raw string) error {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("invalid boolean %q", raw)
		}
		*get(c) = v
		return nil
	}
}

func asFloat(get func(*Config) *float64) func(*Config, string) error {
	return func(c *Config, raw string) error {
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return fmt.Errorf("invalid number %q", raw)
		}
		*get(c) = v
		return nil
	}
}

func asInt32(get func(*Config) *int32) func(*Config, string) error {
	return func(c *Config, raw string) error {
		v, err := strconv.ParseInt(raw, 10, 32)
		if err != nil {
			return fmt.Errorf("invalid integer %q", raw)
		}
		*get(c) = int32(v)
		return nil
	}
}

func asDuration(get func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, raw string) error {
		v, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("invalid duration %q (want e.g. 60s, 1m30s)", raw)
		}
		*get(c) = v
		return nil
	}
}

var parsers = []parser{
	{KeyPodAutoscalerClass, func(c *Config, raw string) error { c.PodAutoscalerClass = raw; return nil }},
	{KeyEnableScaleToZero, asBool(func(c *Config) *bool { return &c.EnableScaleToZero })},
	{KeyAllowZeroInitialScale, asBool(func(c *Config) *bool { return &c.AllowZeroInitialScale })},
	{KeyMaxScaleUpRate, asFloat(func(c *Config) *float64 { return &c.MaxScaleUpRate })},
	{KeyMaxScaleDownRate, asFloat(func(c *Config) *float64 { return &c.MaxScaleDownRate })},
	{KeyContainerConcurrencyTargetFraction, asFloat(func(c *Config) *float64 { return &c.ContainerConcurrencyTargetFraction })},
	{KeyContainerConcurrencyTargetDefault, asFloat(func(c *Config) *float64 { return &c.ContainerConcurrencyTargetDefault })},
	{KeyRPSTargetDefault, asFloat(func(c *Config) *float64 { return &c.RPSTargetDefault })},
	{KeyTargetBurstCapacity, asFloat(func(c *Config) *float64 { return &c.TargetBurstCapacity })},
	{KeyPanicWindowPercentage, asFloat(func(c *Config) *float64 { return &c.PanicWindowPercentage })},
	{KeyActivatorCapacity, asFloat(func(c *Config) *float64 { return &c.ActivatorCapacity })},
	{KeyPanicThresholdPercentage, asFloat(func(c *Config) *float64 { return &c.PanicThresholdPercentage })},
	{KeyInitialScale, asInt32(func(c *Config) *int32 { return &c.InitialScale })},
	{KeyMinScale, asInt32(func(c *Config) *int32 { return &c.MinScale })},
	{KeyMaxScale, asInt32(func(c *Config) *int32 { return &c.MaxScale })},
	{KeyMaxScaleLimit, asInt32(func(c *Config) *int32 { return &c.MaxScaleLimit })},
	{KeyStableWindow, asDuration(func(c *Config) *time.Duration { return &c.StableWindow })},
	{KeyScaleDownDelay, asDuration(func(c *Config) *time.Duration { return &c.ScaleDownDelay })},
	{KeyScaleToZeroGracePeriod, asDuration(func(c *Config) *time.Duration { return &c.ScaleToZeroGracePeriod })},
	{KeyScaleToZeroPodRetentionPeriod, asDuration(func(c *Config) *time.Duration { return &c.ScaleToZeroPodRetentionPeriod })},
	{KeyTickInterval, asDuration(func(c *Config) *time.Duration { return &c.TickInterval })},
}

// NewConfigFromMap parses the data of a config-autoscaler ConfigMap over
// Knative's defaults and validates the result. Errors name the key.
// Unknown keys are ignored, as Knative does (see UnknownKeys).
func NewConfigFromMap(data map[string]string) (*Config, error) {
	c := Default()
	for _, p := range parsers {
		raw, ok := data[p.key]
		if !ok {
			continue
		}
		if err := p.parse(c, strings.TrimSpace(raw)); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", ConfigMapName, p.key, err)
		}
	}
	// Knative accepts the target percentage both as a percentage and, for
	// legacy reasons, as a fraction in (0, 1].
	if c.ContainerConcurrencyTargetFraction > 1 {
		c.ContainerConcurrencyTargetFraction /= 100
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate applies Knative's config-autoscaler validation rules.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("%s: %s: %s", ConfigMapName, key, fmt.Sprintf(format, args...))
	}
	switch {
	case c.ScaleToZeroGracePeriod <= 0:
		return bad(KeyScaleToZeroGracePeriod, "must be positive, was %v", c.ScaleToZeroGracePeriod)
	case c.ScaleDownDelay < 0:
		return bad(KeyScaleDownDelay, "cannot be negative, was %v", c.ScaleDownDelay)
	case c.ScaleDownDelay.Round(time.Second) != c.ScaleDownDelay:
		return bad(KeyScaleDownDelay, "%v must be specified with at most second precision", c.ScaleDownDelay)
	case c.ScaleToZeroPodRetentionPeriod < 0:
		return bad(KeyScaleToZeroPodRetentionPeriod, "cannot be negative, was %v", c.ScaleToZeroPodRetentionPeriod)
	case c.TargetBurstCapacity < 0 && c.TargetBurstCapacity != -1:
		return bad(KeyTargetBurstCapacity, "must be non-negative or -1 (activator always in the path), was %v", c.TargetBurstCapacity)
	case c.ContainerConcurrencyTargetFraction <= 0 || c.ContainerConcurrencyTargetFraction > 1:
		return bad(KeyContainerConcurrencyTargetFraction, "%v is outside of the valid range (0, 100]", c.ContainerConcurrencyTargetFraction*100)
	case c.ContainerConcurrencyTargetFraction*c.ContainerConcurrencyTargetDefault < autoscaling.TargetMin:
		return bad(KeyContainerConcurrencyTargetDefault, "with %s yields a target concurrency of %v, less than %v",
			KeyContainerConcurrencyTargetFraction, c.ContainerConcurrencyTargetFraction*c.ContainerConcurrencyTargetDefault, autoscaling.TargetMin)
	case c.RPSTargetDefault < autoscaling.TargetMin:
		return bad(KeyRPSTargetDefault, "must be at least %v, was %v", autoscaling.TargetMin, c.RPSTargetDefault)
	case c.ActivatorCapacity < 1:
		return bad(KeyActivatorCapacity, "must be at least 1, was %v", c.ActivatorCapacity)
	case c.MaxScaleUpRate <= 1:
		return bad(KeyMaxScaleUpRate, "must be greater than 1.0, was %v", c.MaxScaleUpRate)
	case c.MaxScaleDownRate <= 1:
		return bad(KeyMaxScaleDownRate, "must be greater than 1.0, was %v", c.MaxScaleDownRate)
	case c.StableWindow < autoscaling.WindowMin || c.StableWindow > autoscaling.WindowMax:
		return bad(KeyStableWindow, "%v must be in [%v, %v]", c.StableWindow, autoscaling.WindowMin, autoscaling.WindowMax)
	case c.StableWindow.Round(time.Second) != c.StableWindow:
		return bad(KeyStableWindow, "%v must be specified with at most second precision", c.StableWindow)
	case c.PanicWindowPercentage < autoscaling.PanicWindowPercentageMin || c.PanicWindowPercentage > autoscaling.PanicWindowPercentageMax:
		return bad(KeyPanicWindowPercentage, "%v must be in [%v, %v]", c.PanicWindowPercentage,
			autoscaling.PanicWindowPercentageMin, autoscaling.PanicWindowPercentageMax)
	case c.InitialScale < 0 || c.InitialScale == 0 && !c.AllowZeroInitialScale:
		return bad(KeyInitialScale, "%d must be at least 0 (at least 1 unless %s is true)", c.InitialScale, KeyAllowZeroInitialScale)
	case c.MaxScaleLimit < 0:
		return bad(KeyMaxScaleLimit, "must be at least 0, was %d", c.MaxScaleLimit)
	case c.MaxScale < 0 || c.MaxScaleLimit > 0 && (c.MaxScale < 1 || c.MaxScale > c.MaxScaleLimit):
		lo := 0
		if c.MaxScaleLimit > 0 {
			lo = 1
		}
		return bad(KeyMaxScale, "%d must be in [%d, %s(%d)]", c.MaxScale, lo, KeyMaxScaleLimit, c.MaxScaleLimit)
	case c.MinScale < 0 || c.MaxScale > 0 && c.MinScale > c.MaxScale:
		return bad(KeyMinScale, "%d must be in [0, %s(%d)]", c.MinScale, KeyMaxScale, c.MaxScale)
	case c.TickInterval < time.Second || c.TickInterval.Round(time.Second) != c.TickInterval:
		return bad(KeyTickInterval, "%v must be a whole number of seconds, at least 1s", c.TickInterval)
	case c.PodAutoscalerClass == "":
		return bad(KeyPodAutoscalerClass, "must not be empty")
	}
	return nil
}
