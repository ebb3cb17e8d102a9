package autoscaling

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/knsim/knsim/system/apis/fielderr"
)

// Bounds Knative enforces on the per-revision annotations.
const (
	// WindowMin and WindowMax bound the stable window; WindowMax also bounds
	// scale-down-delay and scale-to-zero-pod-retention-period.
	WindowMin = 6 * time.Second
	WindowMax = time.Hour
	// TargetMin is the smallest per-pod target.
	TargetMin = 0.01
	// PanicWindowPercentageMin and PanicWindowPercentageMax bound panic-window-percentage.
	PanicWindowPercentageMin, PanicWindowPercentageMax = 1.0, 100.0
	// PanicThresholdPercentageMin and PanicThresholdPercentageMax bound panic-threshold-percentage.
	PanicThresholdPercentageMin, PanicThresholdPercentageMax = 110.0, 1000.0
)

// Class returns the autoscaler class, KPA when unset.
func Class(annotations map[string]string) string {
	if c := annotations[ClassAnnotationKey]; c != "" {
		return c
	}
	return KPA
}

// Metric returns the scaling metric, defaulting per class as Knative does:
// concurrency for KPA, cpu for HPA, "" for other classes.
func Metric(annotations map[string]string) string {
	if m := annotations[MetricAnnotationKey]; m != "" {
		return m
	}
	switch Class(annotations) {
	case KPA:
		return Concurrency
	case HPA:
		return CPU
	}
	return ""
}

// ParseInt32 parses annotation key as a base-10 int32; ok is false when unset.
func ParseInt32(annotations map[string]string, key string) (v int32, ok bool, err error) {
	s, ok := Get(annotations, key)
	if !ok {
		return 0, false, nil
	}
	i, err := strconv.ParseInt(s, 10, 32)
	return int32(i), true, err
}

// ParseFloat parses annotation key as a float64; ok is false when unset.
func ParseFloat(annotations map[string]string, key string) (v float64, ok bool, err error) {
	s, ok := Get(annotations, key)
	if !ok {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	return v, true, err
}

// ParseDuration parses annotation key as a Go duration; ok is false when unset.
func ParseDuration(annotations map[string]string, key string) (d time.Duration, ok bool, err error) {
	s, ok := Get(annotations, key)
	if !ok {
		return 0, false, nil
	}
	d, err = time.ParseDuration(s)
	return d, true, err
}

// ParseScaleBounds returns min-scale and max-scale (0 when unset; max 0 means
// unbounded) and an error if either is invalid or min exceeds a non-zero max.
func ParseScaleBounds(annotations map[string]string) (minScale, maxScale int32, err error) {
	minScale, maxScale, fe := scaleBounds(annotations)
	return minScale, maxScale, fe.Err()
}

// ValidateAnnotations checks the autoscaling.knative.dev annotations against
// Knative's ranges; paths are "metadata.annotations.<key>". initial-scale 0
// passes here: whether the cluster allows it (allow-zero-initial-scale) is
// config-autoscaler's business, not the object's.
func ValidateAnnotations(annotations map[string]string) *fielderr.FieldError {
	_, _, errs := scaleBounds(annotations)
	errs = errs.Also(
		validateClassAndMetric(annotations),
		validateFloats(annotations),
		validateDurations(annotations),
		validateInts(annotations),
		validateKeepAlive(annotations),
	)
	return errs.ViaField("metadata", "annotations")
}

func scaleBounds(m map[string]string) (minScale, maxScale int32, errs *fielderr.FieldError) {
	minScale, errs = intGE0(m, MinScaleAnnotationKey)
	maxScale, err := intGE0(m, MaxScaleAnnotationKey)
	errs = errs.Also(err)
	if maxScale != 0 && maxScale < minScale {
		errs = errs.Also(fielderr.ErrGeneric(
			fmt.Sprintf("max-scale=%d is less than min-scale=%d", maxScale, minScale),
			MaxScaleAnnotationKey, MinScaleAnnotationKey))
	}
	return minScale, maxScale, errs
}

// intGE0 reads a non-negative int32; a bad value reads as 0 so that the
// min/max comparison does not add a second, misleading error.
func intGE0(m map[string]string, key string) (int32, *fielderr.FieldError) {
	v, _, err := ParseInt32(m, key)
	val, name := Spelled(m, key)
	switch {
	case errors.Is(err, strconv.ErrRange) || v < 0:
		return 0, fielderr.ErrOutOfBoundsValue(val, 0, math.MaxInt32, name)
	case err != nil:
		return 0, fielderr.ErrInvalidValue(val, name)
	}
	return v, nil
}

// isKPA reports whether class-specific KPA rules apply; other autoscaler
// classes may give metric, window and algorithm their own meaning.
func isKPA(m map[string]string) bool { return Class(m) == KPA }

func validateClassAndMetric(m map[string]string) (errs *fielderr.FieldError) {
	if c, ok := m[ClassAnnotationKey]; ok {
		// Custom classes are allowed, but Knative owns its own domain.
		// knsim's domain likewise holds only its own policies.
		if c == "" || strings.HasSuffix(c, ".knative.dev") && c != KPA && c != HPA ||
			strings.HasSuffix(c, ".knsim.dev") && !PerRequest(c) {
			errs = errs.Also(fielderr.ErrInvalidValue(c, ClassAnnotationKey))
		}
	}
	if metric, ok := m[MetricAnnotationKey]; ok {
		switch {
		case isKPA(m) && metric != Concurrency && metric != RPS,
			Class(m) == HPA && metric == "":
			errs = errs.Also(fielderr.ErrInvalidValue(metric, MetricAnnotationKey))
		}
	}
	if algo, ok := m[MetricAggregationAlgorithmKey]; ok && isKPA(m) &&
		algo != AlgorithmLinear && algo != AlgorithmWeightedExponential {
		errs = errs.Also(fielderr.ErrInvalidValue(algo, MetricAggregationAlgorithmKey))
	}
	return errs
}

func validateFloats(m map[string]string) (errs *fielderr.FieldError) {
	inRange := func(key string, lo, hi float64) {
		v, ok, err := ParseFloat(m, key)
		val, name := Spelled(m, key)
		switch {
		case !ok:
		case err != nil:
			errs = errs.Also(fielderr.ErrInvalidValue(val, name))
		case v < lo || v > hi:
			errs = errs.Also(fielderr.ErrOutOfBoundsValue(val, lo, hi, name))
		}
	}
	inRange(PanicWindowPercentageAnnotationKey, PanicWindowPercentageMin, PanicWindowPercentageMax)
	inRange(PanicThresholdPercentageAnnotationKey, PanicThresholdPercentageMin, PanicThresholdPercentageMax)
	inRange(TargetUtilizationPercentageKey, 1, 100)

	if v, ok, err := ParseFloat(m, TargetAnnotationKey); err != nil {
		errs = errs.Also(fielderr.ErrInvalidValue(m[TargetAnnotationKey], TargetAnnotationKey))
	} else if ok && v < TargetMin {
		errs = errs.Also(fielderr.ErrGeneric(
			fmt.Sprintf("target %s should be at least %g", m[TargetAnnotationKey], TargetMin), TargetAnnotationKey))
	}
	// -1 is the sentinel for "activator always in the path".
	if v, ok, err := ParseFloat(m, TargetBurstCapacityKey); err != nil || ok && v < 0 && v != -1 {
		errs = errs.Also(fielderr.ErrInvalidValue(Spelled(m, TargetBurstCapacityKey)))
	}
	return errs
}

func validateDurations(m map[string]string) (errs *fielderr.FieldError) {
	inRange := func(key string, lo time.Duration, wholeSeconds bool) {
		d, ok, err := ParseDuration(m, key)
		val, name := Spelled(m, key)
		switch {
		case !ok:
		case err != nil:
			errs = errs.Also(fielderr.ErrInvalidValue(val, name))
		case d < lo || d > WindowMax:
			errs = errs.Also(fielderr.ErrOutOfBoundsValue(val, lo, WindowMax, name))
		case wholeSeconds && d.Truncate(time.Second) != d:
			// The autoscaler ticks in whole seconds.
			errs = errs.Also(fielderr.ErrGeneric("must be specified with at most second precision", name))
		}
	}
	if isKPA(m) {
		inRange(WindowAnnotationKey, WindowMin, true)
	}
	inRange(ScaleDownDelayAnnotationKey, 0, true)
	inRange(ScaleToZeroPodRetentionPeriodKey, 0, false)
	return errs
}

func validateInts(m map[string]string) (errs *fielderr.FieldError) {
	if v, ok, err := ParseInt32(m, InitialScaleAnnotationKey); err != nil || ok && v < 0 {
		errs = errs.Also(fielderr.ErrInvalidValue(Spelled(m, InitialScaleAnnotationKey)))
	}
	v, ok, err := ParseInt32(m, ActivationScaleKey)
	switch {
	case errors.Is(err, strconv.ErrRange) || ok && err == nil && v < 1:
		errs = errs.Also(fielderr.ErrOutOfBoundsValue(m[ActivationScaleKey], 1, math.MaxInt32, ActivationScaleKey))
	case err != nil:
		errs = errs.Also(fielderr.ErrInvalidValue(m[ActivationScaleKey], ActivationScaleKey))
	}
	return errs
}

// validateKeepAlive checks knsim's keep-alive annotation: a Go duration
// within [KeepAliveMin, KeepAliveMax].
func validateKeepAlive(m map[string]string) *fielderr.FieldError {
	s, ok := m[KeepAliveAnnotationKey]
	if !ok {
		return nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return fielderr.ErrGeneric(fmt.Sprintf("%q is not a Go duration (such as \"10m\" or \"1h30m\")", s), KeepAliveAnnotationKey)
	case d < KeepAliveMin || d > KeepAliveMax:
		return fielderr.ErrGeneric(fmt.Sprintf("%q must be between %v and %v", s, KeepAliveMin, KeepAliveMax), KeepAliveAnnotationKey)
	}
	return nil
}
