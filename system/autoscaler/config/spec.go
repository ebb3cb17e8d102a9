package config

import (
	"fmt"
	"math"
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
)

// Revision is what DeciderSpec resolution needs to know about a revision
// (in Knative: its PodAutoscaler).
type Revision struct {
	// Annotations are the revision's (PodAutoscaler's) annotations.
	Annotations map[string]string
	// ContainerConcurrency is the hard per-pod limit; 0 means unlimited.
	ContainerConcurrency int64
	// Reachability says whether a Route sends traffic to the revision.
	// Only ReachabilityUnreachable counts as unreachable.
	Reachability v1alpha1.ReachabilityType
}

// DeciderSpec is everything the decider, the collector and the scaler need
// for one revision. It is Knative's scaling.DeciderSpec plus the metric
// windows (Knative's Metric spec) and the reconciler-side settings.
type DeciderSpec struct {
	// Class is the autoscaler class (kpa.autoscaling.knative.dev by default).
	Class string
	// Metric is the scaling metric: concurrency or rps for the KPA.
	Metric string
	// Algorithm is the window averaging: linear or weighted-exponential.
	Algorithm string

	// TargetValue is the per-pod value of Metric the autoscaler aims for.
	TargetValue float64
	// TotalValue is the per-pod value of Metric a pod can take at most.
	TotalValue float64
	// TargetBurstCapacity is the spare capacity to keep; -1 keeps the
	// activator in the path, 0 takes it out whenever there are pods.
	TargetBurstCapacity float64
	// ActivatorCapacity is what one activator takes (subsetting).
	ActivatorCapacity float64
	// PanicThreshold is a ratio (2.0 for 200%): panic starts when desired
	// panic pods / ready pods reaches it.
	PanicThreshold float64
	// MaxScaleUpRate and MaxScaleDownRate bound each decision.
	MaxScaleUpRate, MaxScaleDownRate float64

	// StableWindow and PanicWindow are the averaging windows.
	StableWindow, PanicWindow time.Duration
	// ScaleDownDelay is the trailing window over which the maximum desired
	// scale is applied (0: off).
	ScaleDownDelay time.Duration
	// TickInterval is how often the decider runs.
	TickInterval time.Duration

	// ActivationScale is the minimum non-zero scale (values <= 1: none).
	ActivationScale int32
	// InitialScale is the scale a new revision starts with.
	InitialScale int32
	// MinScale and MaxScale bound the applied scale (MaxScale 0: unbounded).
	// MinScale is already 0 when the revision is unreachable.
	MinScale, MaxScale int32
	// Reachable is false only for revisions no Route targets.
	Reachable bool

	// EnableScaleToZero, ScaleToZeroGracePeriod and ScaleToZeroPodRetention
	// govern the scaler's scale-to-zero. ScaleToZeroPodRetention is 0 when
	// the revision is unreachable.
	EnableScaleToZero       bool
	ScaleToZeroGracePeriod  time.Duration
	ScaleToZeroPodRetention time.Duration
}

// Resolve merges c with a revision's annotations and containerConcurrency
// into its DeciderSpec. Invalid annotations are an error (Knative's webhook
// rejects them), naming the annotation.
func (c *Config) Resolve(r Revision) (DeciderSpec, error) {
	ann := r.Annotations
	if err := autoscaling.ValidateAnnotations(ann).Err(); err != nil {
		return DeciderSpec{}, err
	}
	if err := c.validateMaxScaleLimit(ann); err != nil {
		return DeciderSpec{}, err
	}

	class := c.PodAutoscalerClass
	if v := ann[autoscaling.ClassAnnotationKey]; v != "" {
		class = v
	}
	// autoscaling.Metric defaults by the annotation's class; a class that
	// comes from config alone needs the same defaulting.
	withClass := map[string]string{autoscaling.ClassAnnotationKey: class}
	if m, ok := ann[autoscaling.MetricAnnotationKey]; ok {
		withClass[autoscaling.MetricAnnotationKey] = m
	}
	metric := autoscaling.Metric(withClass)

	algorithm := autoscaling.AlgorithmLinear
	if v := ann[autoscaling.MetricAggregationAlgorithmKey]; v != "" {
		algorithm = v
	}

	s := DeciderSpec{
		Class:                   class,
		Metric:                  metric,
		Algorithm:               algorithm,
		ActivatorCapacity:       c.ActivatorCapacity,
		MaxScaleUpRate:          c.MaxScaleUpRate,
		MaxScaleDownRate:        c.MaxScaleDownRate,
		TickInterval:            c.TickInterval,
		Reachable:               r.Reachability != v1alpha1.ReachabilityUnreachable,
		EnableScaleToZero:       c.EnableScaleToZero,
		ScaleToZeroGracePeriod:  c.ScaleToZeroGracePeriod,
		ScaleToZeroPodRetention: c.ScaleToZeroPodRetentionPeriod,
	}
	s.TargetValue, s.TotalValue = c.metricTarget(metric, ann, r.ContainerConcurrency)

	s.TargetBurstCapacity = floatOr(ann, autoscaling.TargetBurstCapacityKey, c.TargetBurstCapacity)
	s.PanicThreshold = floatOr(ann, autoscaling.PanicThresholdPercentageAnnotationKey, c.PanicThresholdPercentage) / 100
	s.StableWindow = durationOr(ann, autoscaling.WindowAnnotationKey, c.StableWindow)
	s.PanicWindow = PanicWindow(s.StableWindow,
		floatOr(ann, autoscaling.PanicWindowPercentageAnnotationKey, c.PanicWindowPercentage))
	s.ScaleDownDelay = durationOr(ann, autoscaling.ScaleDownDelayAnnotationKey, c.ScaleDownDelay)
	s.ScaleToZeroPodRetention = durationOr(ann, autoscaling.ScaleToZeroPodRetentionPeriodKey, c.ScaleToZeroPodRetentionPeriod)

	if v, ok, _ := autoscaling.ParseInt32(ann, autoscaling.ActivationScaleKey); ok {
		s.ActivationScale = v
	}
	s.InitialScale = c.InitialScale
	// A revision's initial-scale 0 counts only where the cluster allows it;
	// otherwise the cluster default applies (Knative's GetInitialScale).
	if v, ok, _ := autoscaling.ParseInt32(ann, autoscaling.InitialScaleAnnotationKey); ok && (v != 0 || c.AllowZeroInitialScale) {
		s.InitialScale = v
	}

	s.MinScale, s.MaxScale = c.MinScale, c.MaxScale
	if v, ok, _ := autoscaling.ParseInt32(ann, autoscaling.MinScaleAnnotationKey); ok {
		s.MinScale = v
	}
	if v, ok, _ := autoscaling.ParseInt32(ann, autoscaling.MaxScaleAnnotationKey); ok {
		s.MaxScale = v
	}
	if !s.Reachable {
		// Neither min-scale nor the last pod's retention holds a revision
		// no Route targets.
		s.MinScale = 0
		s.ScaleToZeroPodRetention = 0
	}
	return s, nil
}

// metricTarget is Knative's ResolveMetricTarget: total is the per-pod
// capacity (containerConcurrency, or the default when it is 0; the rps
// default for rps), the target annotation replaces it (capped by a non-zero
// containerConcurrency for concurrency), and target = total * utilization,
// at least 0.01.
func (c *Config) metricTarget(metric string, ann map[string]string, cc int64) (target, total float64) {
	var tu float64
	switch metric {
	case autoscaling.RPS:
		total, tu = c.RPSTargetDefault, c.TargetUtilization
	default:
		total = float64(cc)
		if total == 0 {
			total = c.ContainerConcurrencyTargetDefault
		}
		tu = c.ContainerConcurrencyTargetFraction
	}
	if v, ok, err := autoscaling.ParseFloat(ann, autoscaling.TargetAnnotationKey); ok && err == nil {
		total = v
		if metric == autoscaling.Concurrency && cc != 0 {
			total = math.Min(v, float64(cc))
		}
	}
	if v, ok, err := autoscaling.ParseFloat(ann, autoscaling.TargetUtilizationPercentageKey); ok && err == nil {
		tu = v / 100
	}
	return math.Max(autoscaling.TargetMin, total*tu), total
}

// PanicWindow is stable * percentage / 100 rounded to whole seconds, at
// least one bucket (Knative's MakeMetric).
func PanicWindow(stable time.Duration, percentage float64) time.Duration {
	w := time.Duration(float64(stable) * percentage / 100).Round(time.Second)
	if w < BucketSize {
		w = BucketSize
	}
	return w
}

func (c *Config) validateMaxScaleLimit(ann map[string]string) error {
	if c.MaxScaleLimit <= 0 {
		return nil
	}
	v, ok, _ := autoscaling.ParseInt32(ann, autoscaling.MaxScaleAnnotationKey)
	if ok && (v < 1 || v > c.MaxScaleLimit) {
		return fmt.Errorf("%s=%d must be in [1, %d] (%s %s)", autoscaling.MaxScaleAnnotationKey, v,
			c.MaxScaleLimit, ConfigMapName, KeyMaxScaleLimit)
	}
	return nil
}

func floatOr(ann map[string]string, key string, def float64) float64 {
	if v, ok, err := autoscaling.ParseFloat(ann, key); ok && err == nil {
		return v
	}
	return def
}

func durationOr(ann map[string]string, key string, def time.Duration) time.Duration {
	if v, ok, err := autoscaling.ParseDuration(ann, key); ok && err == nil {
		return v
	}
	return def
}
