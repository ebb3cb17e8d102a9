package hpa

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// Kubernetes' defaults.
const (
	// DefaultTolerance is the relative change below which nothing scales.
	DefaultTolerance = 0.1
	// DefaultTargetUtilization is the CPU utilisation target in percent.
	DefaultTargetUtilization = 80
	// DefaultScaleDownStabilization is the scale-down stabilisation window.
	DefaultScaleDownStabilization = 5 * time.Minute
	// DefaultPolicyPeriod is the period of the default scaling policies.
	DefaultPolicyPeriod = 15 * time.Second
	// DefaultSyncPeriod is how often the HPA controller evaluates.
	DefaultSyncPeriod = 15 * time.Second
)

// Spec configures an Autoscaler.
type Spec struct {
	// MinReplicas and MaxReplicas bound the result (MinReplicas >= 1).
	MinReplicas, MaxReplicas int32
	// TargetUtilization is the CPU utilisation target in percent of requests.
	TargetUtilization float64
	// Tolerance is the relative change below which nothing scales.
	Tolerance float64
	// ScaleUpStabilization and ScaleDownStabilization are the windows over
	// which recommendations are stabilised.
	ScaleUpStabilization, ScaleDownStabilization time.Duration
	// ScaleUpPods and ScaleUpPercent are the scale-up policies per
	// PolicyPeriod (the larger limit wins); ScaleDownPercent the scale-down one.
	ScaleUpPods                      int32
	ScaleUpPercent, ScaleDownPercent float64
	// PolicyPeriod is the policies' period.
	PolicyPeriod time.Duration
}

// DefaultSpec returns Kubernetes' default behaviour with the given bounds
// and target (percent).
func DefaultSpec(minReplicas, maxReplicas int32, target float64) Spec {
	return Spec{
		MinReplicas:            minReplicas,
		MaxReplicas:            maxReplicas,
		TargetUtilization:      target,
		Tolerance:              DefaultTolerance,
		ScaleDownStabilization: DefaultScaleDownStabilization,
		ScaleUpPods:            4,
		ScaleUpPercent:         100,
		ScaleDownPercent:       100,
		PolicyPeriod:           DefaultPolicyPeriod,
	}
}

// SpecFromAnnotations builds the HPA Knative creates for a revision of the
// HPA class: bounds from min-scale and max-scale (config defaults given),
// target from the target annotation (rounded up), else 80%.
func SpecFromAnnotations(ann map[string]string, defaultMin, defaultMax int32) (Spec, error) {
	if m := autoscaling.Metric(ann); m != autoscaling.CPU {
		return Spec{}, fmt.Errorf("hpa: metric %q is not simulated (only %q)", m, autoscaling.CPU)
	}
	lo, hi := defaultMin, defaultMax
	if v, ok, err := autoscaling.ParseInt32(ann, autoscaling.MinScaleAnnotationKey); err != nil {
		return Spec{}, fmt.Errorf("%s: %w", autoscaling.MinScaleAnnotationKey, err)
	} else if ok {
		lo = v
	}
	if v, ok, err := autoscaling.ParseInt32(ann, autoscaling.MaxScaleAnnotationKey); err != nil {
		return Spec{}, fmt.Errorf("%s: %w", autoscaling.MaxScaleAnnotationKey, err)
	} else if ok {
		hi = v
	}
	lo = max(lo, 1)
	if hi == 0 {
		hi = math.MaxInt32
	}
	target := float64(DefaultTargetUtilization)
	if v, ok, err := autoscaling.ParseFloat(ann, autoscaling.TargetAnnotationKey); err != nil {
		return Spec{}, fmt.Errorf("%s: %w", autoscaling.TargetAnnotationKey, err)
	} else if ok {
		target = math.Ceil(v)
	}
	s := DefaultSpec(lo, hi, target)
	return s, s.Validate()
}

// Validate checks the spec.
func (s Spec) Validate() error {
	var errs []error
	if s.MinReplicas < 1 || s.MaxReplicas < s.MinReplicas {
		errs = append(errs, fmt.Errorf("hpa: replicas must satisfy 1 <= min (%d) <= max (%d)", s.MinReplicas, s.MaxReplicas))
	}
	if !(s.TargetUtilization > 0) {
		errs = append(errs, fmt.Errorf("hpa: target utilization must be positive, was %v", s.TargetUtilization))
	}
	if s.Tolerance < 0 || s.ScaleUpStabilization < 0 || s.ScaleDownStabilization < 0 || s.PolicyPeriod < 0 {
		errs = append(errs, errors.New("hpa: tolerance, windows and period must not be negative"))
	}
	return errors.Join(errs...)
}

// Pod is one pod's CPU sample.
type Pod struct {
	// Ready is the pod's readiness.
	Ready bool
	// HasMetrics is false for a pod with no CPU sample yet.
	HasMetrics bool
	// UsageMilli and RequestMilli are CPU usage and request in millicores.
	UsageMilli, RequestMilli float64
}

// Decision is the result of one sync.
type Decision struct {
	// DesiredReplicas is the replica count to set.
	DesiredReplicas int32
	// Recommendation is the raw recommendation before stabilisation, rate
	// limits and bounds.
	Recommendation int32
	// Utilization is the observed utilisation of the ready pods (percent).
	Utilization float64
	// Valid is false when no ready pod reported: the scale is kept.
	Valid bool
}

type recommendation struct {
	at       time.Time
	replicas int32
}

type scaleEvent struct {
	at    time.Time
	delta int32
}

// Autoscaler is the HPA controller's state for one target.
type Autoscaler struct {
	spec            Spec
	recommendations []recommendation
	events          []scaleEvent
}

// New returns an Autoscaler for a valid spec.
func New(spec Spec) (*Autoscaler, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return &Autoscaler{spec: spec}, nil
}

// Scale runs one sync at now for a target with current replicas and the
// given pods.
func (a *Autoscaler) Scale(now time.Time, current int32, pods []Pod) Decision {
	rec, util, ok := a.recommend(current, pods)
	if !ok {
		return Decision{DesiredReplicas: current}
	}
	desired := a.stabilize(now, current, rec)
	desired = a.limit(now, current, desired)
	desired = min(max(desired, a.spec.MinReplicas), a.spec.MaxReplicas)
	if desired != current {
		a.events = append(a.events, scaleEvent{at: now, delta: desired - current})
	}
	return Decision{DesiredReplicas: desired, Recommendation: rec, Utilization: util, Valid: true}
}

// recommend is the replica calculator: the usage ratio of the ready pods
// with metrics, kept within tolerance, with not-ready pods counted at zero
// usage when scaling up.
func (a *Autoscaler) recommend(current int32, pods []Pod) (int32, float64, bool) {
	var usage, request float64
	var ready, unready int
	for _, p := range pods {
		switch {
		case p.Ready && p.HasMetrics:
			usage += p.UsageMilli
			request += p.RequestMilli
			ready++
		case !p.Ready:
			unready++
		}
	}
	if ready == 0 || request <= 0 {
		return current, 0, false
	}
	util := usage / request * 100
	ratio := util / a.spec.TargetUtilization
	if math.Abs(ratio-1) <= a.spec.Tolerance {
		return current, util, true
	}
	if ratio > 1 && unready > 0 {
		// Assume the not-ready pods use nothing yet.
		perPod := request / float64(ready)
		adjusted := usage / (request + perPod*float64(unready)) * 100 / a.spec.TargetUtilization
		if math.Abs(adjusted-1) <= a.spec.Tolerance || adjusted < 1 {
			return current, util, true
		}
		return int32(math.Ceil(adjusted * float64(ready+unready))), util, true
	}
	return int32(math.Ceil(ratio * float64(ready))), util, true
}

// stabilize keeps the recommendation within the lowest of the scale-up
// window and the highest of the scale-down window.
func (a *Autoscaler) stabilize(now time.Time, current, rec int32) int32 {
	up, down := rec, rec
	upCutoff := now.Add(-a.spec.ScaleUpStabilization)
	downCutoff := now.Add(-a.spec.ScaleDownStabilization)
	keep := a.recommendations[:0]
	oldest := now.Add(-max(a.spec.ScaleUpStabilization, a.spec.ScaleDownStabilization))
	for _, r := range a.recommendations {
		if r.at.After(upCutoff) {
			up = min(up, r.replicas)
		}
		if r.at.After(downCutoff) {
			down = max(down, r.replicas)
		}
		if r.at.After(oldest) {
			keep = append(keep, r)
		}
	}
	a.recommendations = append(keep, recommendation{at: now, replicas: rec})
	out := current
	if out < up {
		out = up
	}
	if out > down {
		out = down
	}
	return out
}

// limit applies the scaling policies against the replica count at the start
// of the policy period.
func (a *Autoscaler) limit(now time.Time, current, desired int32) int32 {
	cutoff := now.Add(-a.spec.PolicyPeriod)
	var added, removed int32
	keep := a.events[:0]
	for _, e := range a.events {
		if !e.at.After(cutoff) {
			continue
		}
		keep = append(keep, e)
		if e.delta > 0 {
			added += e.delta
		} else {
			removed -= e.delta
		}
	}
	a.events = keep
	switch {
	case desired > current:
		start := float64(current - added)
		byPods := start + float64(a.spec.ScaleUpPods)
		byPercent := math.Ceil(start * (1 + a.spec.ScaleUpPercent/100))
		return min(desired, int32(math.Max(byPods, byPercent)))
	case desired < current:
		start := float64(current + removed)
		floor := int32(math.Ceil(start * (1 - a.spec.ScaleDownPercent/100)))
		return max(desired, floor)
	}
	return desired
}

// Usage is one pod's average CPU use over a window, in millicores, as the
// metrics server reports it.
type Usage struct {
	// Pod is the pod's name.
	Pod string
	// Milli is the pod's CPU use in millicores.
	Milli float64
}

// StartedWith seeds the stabilisation window with the scale the target
// had when the HPA was created, as the Kubernetes controller does on its
// first sync, so a new HPA does not scale down at once.
func (a *Autoscaler) StartedWith(now time.Time, replicas int32) {
	a.recommendations = append(a.recommendations, recommendation{at: now, replicas: replicas})
}

// Update changes the spec, keeping the recommendation and scaling history.
func (a *Autoscaler) Update(spec Spec) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	a.spec = spec
	return nil
}
