package scaler

import (
	"math"
	"time"

	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/kpa"
)

// Activity is the status of a PodAutoscaler's Active condition.
type Activity int

const (
	// Activating is Active=Unknown: pods are being provisioned (a new
	// revision, or requests arrived at zero).
	Activating Activity = iota
	// Active is Active=True: enough pods are ready.
	Active
	// Inactive is Active=False: the revision is (being) scaled to zero.
	Inactive
)

// String returns the condition status the activity stands for.
func (a Activity) String() string {
	switch a {
	case Active:
		return "True"
	case Inactive:
		return "False"
	}
	return "Unknown"
}

// Mode is a ServerlessService operation mode.
type Mode string

const (
	// ModeServe routes traffic straight to the revision's pods.
	ModeServe Mode = "Serve"
	// ModeProxy routes traffic through the activator.
	ModeProxy Mode = "Proxy"
)

const (
	// DefaultActivationTimeout is Knative's default progress deadline (600s)
	// plus its 30s activation buffer: a revision activating for longer goes
	// to zero.
	DefaultActivationTimeout = 630 * time.Second
	// ProbePeriod is how soon to look again while the activator is not yet
	// confirmed in the path.
	ProbePeriod = time.Second
	// ProxyRecheck is how soon to look again after marking a revision
	// inactive whose ServerlessService is already in Proxy mode (nothing
	// else would trigger a reconcile).
	ProxyRecheck = 3 * time.Second
	// minActivators is the smallest activator subset of a revision.
	minActivators = 2
)

// PodAutoscaler is the part of a PodAutoscaler's status the scaler reads
// and writes.
type PodAutoscaler struct {
	// Activity is the Active condition's status.
	Activity Activity
	// Since is the Active condition's last transition time.
	Since time.Time
	// ScaleTargetInitialized is true once the initial scale was reached.
	ScaleTargetInitialized bool
}

// ServerlessService is the part of the revision's ServerlessService the
// scaler reads.
type ServerlessService struct {
	// Mode is the current operation mode.
	Mode Mode
	// ActivatorSince is when the activator's endpoints were put in front of
	// the revision (zero when they are not).
	ActivatorSince time.Time
}

// Input is one reconcile of a PodAutoscaler.
type Input struct {
	// Now is the reconcile time.
	Now time.Time
	// Spec is the revision's resolved spec.
	Spec config.DeciderSpec
	// Decider is the decider's latest recommendation.
	Decider kpa.Status
	// PA is the PodAutoscaler's current status.
	PA PodAutoscaler
	// SKS is the ServerlessService's current state.
	SKS ServerlessService
	// ActivatorInPath is the result of probing the revision for the
	// activator (ignored with target-burst-capacity -1: always in path).
	ActivatorInPath bool
	// ActivationTimeout bounds Activating; 0 means DefaultActivationTimeout.
	ActivationTimeout time.Duration
	// ReadyPods is the number of ready pods.
	ReadyPods int
}

// Result is what a reconcile decides.
type Result struct {
	// Want is the desired scale the PodAutoscaler reports (-1: unknown).
	Want int32
	// Apply is true when the Deployment's replicas must be set to Want.
	Apply bool
	// Mode is the ServerlessService mode to set.
	Mode Mode
	// NumActivators is the size of the revision's activator subset.
	NumActivators int32
	// PA is the PodAutoscaler status after this reconcile.
	PA PodAutoscaler
	// RequeueAfter, when positive, is when to reconcile again at the latest.
	RequeueAfter time.Duration
}

// Reconcile decides the scale to apply, the ServerlessService mode and the
// next Active condition.
func Reconcile(in Input) Result {
	want, apply, requeue := Scale(in)
	return Result{
		Want:          want,
		Apply:         apply,
		Mode:          SKSMode(want, in.Decider.ExcessBurstCapacity),
		NumActivators: NumActivators(in.ReadyPods, in.Spec),
		PA:            NextActivity(in.PA, in.Spec, want, in.ReadyPods, in.Now),
		RequeueAfter:  requeue,
	}
}

// Scale turns the decider's desired scale into the scale to report (want)
// and whether to apply it to the Deployment now.
func Scale(in Input) (want int32, apply bool, requeueAfter time.Duration) {
	desired := in.Decider.DesiredScale
	if desired < 0 && in.PA.Activity != Activating {
		// Metrics are not being collected yet.
		return desired, false, 0
	}
	lo, hi := in.Spec.MinScale, in.Spec.MaxScale
	if in.Spec.InitialScale > 1 && !in.PA.ScaleTargetInitialized {
		lo = max(lo, in.Spec.InitialScale)
	}
	return scaleToZero(in, applyBounds(lo, hi, desired))
}

// applyBounds clamps x to [lo, hi]; hi 0 means unbounded.
func applyBounds(lo, hi, x int32) int32 {
	if x < lo {
		return lo
	}
	if hi != 0 && x > hi {
		return hi
	}
	return x
}

func scaleToZero(in Input, desired int32) (int32, bool, time.Duration) {
	if desired != 0 {
		return desired, true, 0
	}
	s := in.Spec
	if !s.EnableScaleToZero {
		return 1, true, 0
	}
	now := in.Now
	switch in.PA.Activity {
	case Activating:
		timeout := in.ActivationTimeout
		if timeout <= 0 {
			timeout = DefaultActivationTimeout
		}
		if now.Sub(in.PA.Since.Add(timeout)) > 0 {
			// Could not activate in time: give up and go to zero.
			return desired, true, 0
		}
		return -1, false, timeout

	case Active:
		activeFor := now.Sub(in.PA.Since)
		if activeFor >= s.StableWindow {
			// Report 0 so the revision is marked Inactive (and the activator
			// put in the path); the pods stay for now.
			var requeue time.Duration
			if in.SKS.Mode == ModeProxy {
				requeue = ProxyRecheck
			}
			return desired, false, requeue
		}
		// Keep one pod for the rest of the stable window.
		return 1, true, s.StableWindow - activeFor

	default: // Inactive
		if s.TargetBurstCapacity != -1 && !in.ActivatorInPath {
			return desired, false, ProbePeriod
		}
		retention := s.ScaleToZeroPodRetention
		inactiveFor := now.Sub(in.PA.Since)
		if inactiveFor >= max(s.ScaleToZeroGracePeriod, retention) {
			return desired, true, 0
		}
		if retention > 0 && inactiveFor < retention {
			return desired, false, retention - inactiveFor
		}
		var proxyFor time.Duration
		if !in.SKS.ActivatorSince.IsZero() {
			proxyFor = now.Sub(in.SKS.ActivatorSince)
		}
		if wait := s.ScaleToZeroGracePeriod - proxyFor; wait > 0 {
			return desired, false, wait
		}
		return desired, true, 0
	}
}

// SKSMode is Serve when the scale is known and positive and the excess burst
// capacity is not negative; Proxy otherwise: at zero, short of burst
// capacity, or while the scale is unknown (-1), e.g. before a new
// revision's first decision, so the activator takes its first requests.
func SKSMode(want, excessBurstCapacity int32) Mode {
	if want > 0 && excessBurstCapacity >= 0 {
		return ModeServe
	}
	return ModeProxy
}

// NumActivators is how many activators back the revision: enough for the
// ready pods' capacity plus a positive target burst capacity, at least 2;
// just 2 when target-burst-capacity is 0.
func NumActivators(readyPods int, s config.DeciderSpec) int32 {
	if s.TargetBurstCapacity == 0 || s.ActivatorCapacity <= 0 {
		return minActivators
	}
	capacity := float64(readyPods) * s.TotalValue
	if s.TargetBurstCapacity > 0 {
		capacity += s.TargetBurstCapacity
	}
	return int32(math.Max(minActivators, math.Ceil(capacity/s.ActivatorCapacity)))
}

// ActiveThreshold is how many ready pods make the revision Active:
// max(min-scale, 1), or max(min-scale, initial-scale) before the scale
// target was initialized.
func ActiveThreshold(pa PodAutoscaler, s config.DeciderSpec) int {
	if !pa.ScaleTargetInitialized {
		return int(max(s.MinScale, s.InitialScale))
	}
	return int(max(s.MinScale, 1))
}

// NextActivity updates the Active condition from want and the ready pods:
//
//	want 0 (or a threshold of 0)     -> Inactive
//	ready < threshold, want > 0      -> Activating
//	ready < threshold, want -1       -> Activating unless Inactive
//	ready >= threshold, want > 0     -> Active
//	ready >= threshold, want -1      -> Active unless Inactive
//
// The scale target counts as initialized once the threshold is reached.
func NextActivity(pa PodAutoscaler, s config.DeciderSpec, want int32, readyPods int, now time.Time) PodAutoscaler {
	threshold := ActiveThreshold(pa, s)
	if readyPods >= threshold {
		pa.ScaleTargetInitialized = true
	}
	mark := func(a Activity) {
		if pa.Activity != a {
			pa.Activity, pa.Since = a, now
		}
	}
	switch {
	case want == 0 || threshold == 0:
		mark(Inactive)
	case readyPods < threshold:
		if want > 0 || pa.Activity != Inactive {
			mark(Activating)
		} else {
			mark(Inactive)
		}
	default:
		if want > 0 || pa.Activity != Inactive {
			mark(Active)
		}
	}
	return pa
}
