package reserve

import (
	"fmt"
	"time"
)

// Phase is where a service is in the reserve-instance cycle.
type Phase int

const (
	// Standard: standard pods serve, no reserve pods.
	Standard Phase = iota
	// Reserved: idle; standard pods at zero, reserve pods kept running.
	Reserved
	// Waking: traffic arrived; reserve pods serve while standard pods start.
	Waking
	// Handover: a standard pod is ready and takes new requests; reserve pods
	// finish what they hold, then terminate.
	Handover
)

// String names the phase.
func (p Phase) String() string {
	switch p {
	case Standard:
		return "Standard"
	case Reserved:
		return "Reserved"
	case Waking:
		return "Waking"
	case Handover:
		return "Handover"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Target is where a request is routed.
type Target int

const (
	// ToStandard routes to the standard pods (through the activator when
	// none is ready).
	ToStandard Target = iota
	// ToReserve routes to the reserve pods.
	ToReserve
)

// Reserve is one service's reserve-instance state. The zero value is not
// usable; use New. It is not safe for concurrent use.
type Reserve struct {
	spec     Spec
	phase    Phase
	since    time.Time
	inFlight int
}

// New starts in Standard at now.
func New(spec Spec, now time.Time) *Reserve {
	return &Reserve{spec: spec, phase: Standard, since: now}
}

// Spec returns the configuration.
func (r *Reserve) Spec() Spec { return r.spec }

// Phase returns the current phase and since when it holds.
func (r *Reserve) Phase() (Phase, time.Time) { return r.phase, r.since }

// InFlight is the number of requests the reserve pods hold.
func (r *Reserve) InFlight() int { return r.inFlight }

func (r *Reserve) enter(p Phase, now time.Time) {
	if r.phase != p {
		r.phase, r.since = p, now
	}
}

// StandardScaled tells the state the standard pods' desired scale. Scaling
// to zero keeps the reserve pods instead (Reserved); a positive scale
// changes nothing.
func (r *Reserve) StandardScaled(now time.Time, desired int32) {
	if r.spec.Enabled && desired == 0 {
		r.enter(Reserved, now)
	}
}

// Route decides where a new request goes and counts it as in flight there.
// A request to an idle service wakes it: the reserve pods serve it and
// standard pods are requested (see MinStandard).
func (r *Reserve) Route(now time.Time) Target {
	switch r.phase {
	case Reserved:
		r.enter(Waking, now)
		fallthrough
	case Waking:
		r.inFlight++
		return ToReserve
	}
	return ToStandard
}

// Done records the end of a request routed to t. The reserve pods terminate
// when the last request they held completes during Handover.
func (r *Reserve) Done(now time.Time, t Target) {
	if t != ToReserve || r.inFlight == 0 {
		return
	}
	r.inFlight--
	if r.phase == Handover && r.inFlight == 0 {
		r.enter(Standard, now)
	}
}

// StandardReady tells the state how many standard pods are ready. The first
// ready pod while waking takes over new requests.
func (r *Reserve) StandardReady(now time.Time, ready int) {
	if ready <= 0 || r.phase != Waking && r.phase != Reserved {
		return
	}
	if r.inFlight == 0 {
		r.enter(Standard, now)
		return
	}
	r.enter(Handover, now)
}

// ReserveReplicas is how many reserve pods should exist: the configured
// replicas from Reserved until the handover has drained, 0 otherwise.
func (r *Reserve) ReserveReplicas() int32 {
	if !r.spec.Enabled || r.phase == Standard {
		return 0
	}
	return r.spec.Replicas
}

// MinStandard is a lower bound on the standard pods' scale: 1 while waking,
// so that standard pods are created on the first request even before the
// autoscaler has seen it.
func (r *Reserve) MinStandard() int32 {
	if r.phase == Waking {
		return 1
	}
	return 0
}
