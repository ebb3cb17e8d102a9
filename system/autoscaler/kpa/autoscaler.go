package kpa

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/knsim/knsim/system/autoscaler/config"
)

// MetricSource provides a revision's window averages; *metrics.Collector
// implements it. err is metrics.ErrNoData when there is nothing to decide on.
type MetricSource interface {
	StableAndPanic(metric string, now time.Time) (stable, panic float64, err error)
}

// Decision is the result of one tick.
type Decision struct {
	// Valid is false when there was no metric data (Err says why): Knative
	// keeps its previous decision then.
	Valid bool
	// Err is the metric source's error of an invalid decision.
	Err error
	// DesiredPodCount is the number of pods the revision should have.
	DesiredPodCount int32
	// ExcessBurstCapacity is the spare capacity beyond target-burst-capacity;
	// negative puts the activator in the request path.
	ExcessBurstCapacity int32
	// PanicMode is true while panicking (after this tick's update).
	PanicMode bool
	// ObservedStable and ObservedPanic are the metric averages decided on.
	ObservedStable, ObservedPanic float64
	// DesiredStable and DesiredPanic are the per-window pod counts after the
	// rate limits and activation scale.
	DesiredStable, DesiredPanic int32
	// MaxScaleUp and MaxScaleDown are this tick's rate limits.
	MaxScaleUp, MaxScaleDown int32
	// ReadyPods is the ready pod count decided on.
	ReadyPods int
}

// Autoscaler decides one revision's scale. It is not safe for concurrent use.
type Autoscaler struct {
	spec   config.DeciderSpec
	source MetricSource

	// panicTime is the last tick at or over the panic threshold (zero when
	// not panicking); maxPanicPods the largest count decided in this panic.
	panicTime    time.Time
	maxPanicPods int32

	// delay is nil without scale-down-delay.
	delay *maxWindow
}

// Option configures New.
type Option func(*Autoscaler)

// WithMetrics attaches the metric source Scale reads.
func WithMetrics(src MetricSource) Option {
	return func(a *Autoscaler) { a.source = src }
}

// StartedWith records the ready pods when the decider is created. Knative
// starts a decider in panic mode when more than one pod is ready (after an
// autoscaler restart it has lost the metric history and must not scale
// down on partial data), holding at least that many pods.
func StartedWith(now time.Time, readyPods int) Option {
	return func(a *Autoscaler) {
		if readyPods > 1 {
			a.panicTime = now
		}
		a.maxPanicPods = int32(readyPods)
	}
}

// New returns a decider for spec.
func New(spec config.DeciderSpec, opts ...Option) (*Autoscaler, error) {
	if err := check(spec); err != nil {
		return nil, err
	}
	a := &Autoscaler{spec: spec}
	// As in Knative, the delay window exists only if the revision had a
	// scale-down-delay when its decider was created; Update does not add one.
	if spec.ScaleDownDelay > 0 {
		a.delay = newMaxWindow(spec.ScaleDownDelay, spec.TickInterval)
	}
	for _, o := range opts {
		o(a)
	}
	return a, nil
}

func check(s config.DeciderSpec) error {
	var errs []error
	if !(s.TargetValue > 0) {
		errs = append(errs, fmt.Errorf("target value must be positive, was %v", s.TargetValue))
	}
	if !(s.MaxScaleUpRate > 0) || !(s.MaxScaleDownRate > 0) {
		errs = append(errs, fmt.Errorf("scale rates must be positive, were up %v down %v", s.MaxScaleUpRate, s.MaxScaleDownRate))
	}
	if s.TickInterval < time.Second {
		errs = append(errs, fmt.Errorf("tick interval must be at least 1s, was %v", s.TickInterval))
	}
	if s.ScaleDownDelay < 0 {
		errs = append(errs, fmt.Errorf("scale-down-delay must not be negative, was %v", s.ScaleDownDelay))
	}
	return errors.Join(errs...)
}

// Update replaces the spec (the panic state and delay window are kept).
func (a *Autoscaler) Update(spec config.DeciderSpec) error {
	if err := check(spec); err != nil {
		return err
	}
	a.spec = spec
	return nil
}

// Spec returns the current spec.
func (a *Autoscaler) Spec() config.DeciderSpec { return a.spec }

// InPanic reports whether the decider is in panic mode, and since which tick
// it was last at or over the threshold.
func (a *Autoscaler) InPanic() (bool, time.Time) { return !a.panicTime.IsZero(), a.panicTime }

// Scale reads the window averages of the spec's metric from the attached
// source as of now and decides. Without data it returns an invalid Decision
// and changes no state.
func (a *Autoscaler) Scale(now time.Time, readyPods int) Decision {
	if a.source == nil {
		return Decision{Err: errors.New("no metric source attached"), ReadyPods: readyPods}
	}
	stable, panic, err := a.source.StableAndPanic(a.spec.Metric, now)
	if err != nil {
		return Decision{Err: err, ReadyPods: readyPods}
	}
	return a.Decide(now, stable, panic, readyPods)
}

// Decide runs one tick on the given stable and panic averages (revision
// totals of the spec's metric) and ready pod count.
func (a *Autoscaler) Decide(now time.Time, stableAvg, panicAvg float64, readyPods int) Decision {
	s := a.spec
	// With no ready pods, decide as if there were one.
	ready := math.Max(1, float64(readyPods))

	// ceil on the way up guarantees growth by at least one pod even with a
	// conservative rate; floor on the way down.
	maxUp := math.Ceil(s.MaxScaleUpRate * ready)
	maxDown := 0.0
	if s.Reachable {
		maxDown = math.Floor(ready / s.MaxScaleDownRate)
	}

	wantStable := math.Ceil(stableAvg / s.TargetValue)
	wantPanic := math.Ceil(panicAvg / s.TargetValue)
	stablePods := int32(math.Min(math.Max(wantStable, maxDown), maxUp))
	panicPods := int32(math.Min(math.Max(wantPanic, maxDown), maxUp))

	if as := s.ActivationScale; as > 1 {
		if wantStable > 0 && as > stablePods {
			stablePods = as
		}
		if wantPanic > 0 && as > panicPods {
			panicPods = as
		}
	}

	// The threshold compares the unclamped panic count with ready pods.
	over := wantPanic/ready >= s.PanicThreshold
	switch {
	case over:
		// Start panicking, or extend the panic.
		a.panicTime = now
	case !a.panicTime.IsZero() && a.panicTime.Add(s.StableWindow).Before(now):
		// The surge has made its way into the stable window.
		a.panicTime = time.Time{}
		a.maxPanicPods = 0
	}

	desired := stablePods
	if !a.panicTime.IsZero() {
		// Provision for the larger window, and never go down in panic.
		desired = max(desired, panicPods)
		if desired > a.maxPanicPods {
			a.maxPanicPods = desired
		}
		desired = a.maxPanicPods
	}

	// Only a reachable revision's scale-down is delayed (as in Knative
	// since v0.45): one no Route points at goes down at once.
	if s.Reachable && a.delay != nil {
		a.delay.record(now, desired)
		desired = a.delay.current()
	}

	return Decision{
		Valid:               true,
		DesiredPodCount:     desired,
		ExcessBurstCapacity: ExcessBurstCapacity(s, readyPods, panicAvg),
		PanicMode:           !a.panicTime.IsZero(),
		ObservedStable:      stableAvg,
		ObservedPanic:       panicAvg,
		DesiredStable:       stablePods,
		DesiredPanic:        panicPods,
		MaxScaleUp:          int32(maxUp),
		MaxScaleDown:        int32(maxDown),
		ReadyPods:           readyPods,
	}
}

// ExcessBurstCapacity is the capacity of the ready pods beyond what is in
// flight (the panic average) and the target burst capacity, floored:
// floor(readyPods*total - TBC - panicAvg). TBC 0 gives 0 (the activator only
// serves from zero) and TBC -1 gives -1 (the activator stays in the path).
// It uses the real ready count, not max(1, ready).
func ExcessBurstCapacity(s config.DeciderSpec, readyPods int, panicAvg float64) int32 {
	switch {
	case s.TargetBurstCapacity == 0:
		return 0
	case s.TargetBurstCapacity > 0:
		capacity := float64(readyPods) * s.TotalValue
		return int32(math.Floor(capacity - s.TargetBurstCapacity - panicAvg))
	default:
		return -1
	}
}
