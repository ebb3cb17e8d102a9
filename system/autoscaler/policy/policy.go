package policy

import (
	"time"

	"github.com/knsim/knsim/system/autoscaler/config"
)

// DeletionCostAnnotation is the pod annotation the ReplicaSet controller
// reads on scale-down: pods with a lower cost are deleted first (0 when
// unset).
const DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// RemoveCost is the pod-deletion-cost given to the pods a Decision names,
// below the default 0 of every other pod.
const RemoveCost = "-1"

// Pod is one ready instance of a revision as the data plane last saw it.
type Pod struct {
	// Name is the pod's name.
	Name string
	// InFlight counts the requests the pod holds: on their way from the
	// activator, queued in its queue-proxy or running in its container.
	InFlight int
	// IdleSince is when the pod last became idle (its last request ended,
	// or it became ready); zero while InFlight > 0.
	IdleSince time.Time
}

// Busy reports whether the pod holds a request.
func (p Pod) Busy() bool { return p.InFlight > 0 }

// Observation is a revision's data-plane state at one instant.
type Observation struct {
	// Pods are the ready pods, sorted by name.
	Pods []Pod
	// Waiting counts the requests queued at the activator because no
	// instance is free: each needs an instance to start.
	Waiting int
	// LastArrival is when the revision last received a request (zero
	// before the first).
	LastArrival time.Time
}

// Busy reports whether the revision holds or awaits any request.
func (o Observation) Busy() bool {
	if o.Waiting > 0 {
		return true
	}
	for _, p := range o.Pods {
		if p.Busy() {
			return true
		}
	}
	return false
}

// Decision is a policy's recommendation for a revision.
type Decision struct {
	// DesiredScale is the number of instances the revision should have,
	// starting ones included.
	DesiredScale int32
	// Remove names the ready pods a scale-down must take first, sorted.
	// Their pod-deletion-cost is set to RemoveCost.
	Remove []string
}

// Params is what a Factory gets to build one revision's Policy.
type Params struct {
	// Class is the revision's autoscaling.knative.dev/class.
	Class string
	// Annotations are the revision's (PodAutoscaler's) annotations.
	Annotations map[string]string
	// Spec is the revision's resolved decider spec: min-scale, max-scale
	// and the other config-autoscaler settings with its annotations applied.
	Spec config.DeciderSpec
	// Now is when the Policy is created.
	Now time.Time
}

// Policy decides one revision's scale from what the data plane observes.
// Implementations keep their own state and must be deterministic: every
// method takes the current time and none may read a clock. The
// multiscaler serialises the calls.
type Policy interface {
	// Observe records the revision's state at now. Calls come in time
	// order: every second and whenever a request starts waiting.
	Observe(now time.Time, o Observation)
	// Decide returns the recommendation at now, from the observations so
	// far.
	Decide(now time.Time) Decision
}

// Updater is implemented by a Policy that can take a changed revision
// (new annotations or spec) without losing its state; a Policy that does
// not implement it is replaced by a new one when its Params change.
type Updater interface {
	Update(p Params) error
}
