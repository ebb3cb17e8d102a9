package fault

import (
	"net/http"
	"time"
)

// Fault is a misbehaviour of a Service over [From, Until) of virtual time.
type Fault struct {
	// From and Until bound the window; a zero From starts it at the
	// beginning of the run, a zero Until never ends it.
	From, Until time.Time
	// ErrorRate is the share of answers turned into Status (0..1).
	ErrorRate float64
	// Status of the failures (default 500).
	Status int
	// SlowFactor multiplies service times (values <= 1 leave them alone).
	SlowFactor float64
	// Down fails every request at once with Status, without reaching the
	// containers.
	Down bool
}

// Active reports whether the fault holds at now.
func (f Fault) Active(now time.Time) bool {
	return !now.Before(f.From) && (f.Until.IsZero() || now.Before(f.Until))
}

// StatusCode is the status of the fault's failures.
func (f Fault) StatusCode() int {
	if f.Status == 0 {
		return http.StatusInternalServerError
	}
	return f.Status
}

// Slow stretches a service time by the fault's SlowFactor.
func (f Fault) Slow(d time.Duration) time.Duration {
	if f.SlowFactor > 1 {
		return time.Duration(float64(d) * f.SlowFactor)
	}
	return d
}

// Fails reports whether an answer fails; draw is called, once, only when
// the fault has an error rate, so a fault without one consumes no random
// numbers.
func (f Fault) Fails(draw func() float64) bool {
	return f.ErrorRate > 0 && draw() < f.ErrorRate
}

// Down reports whether any of faults makes the Service unreachable at now,
// and the first such fault.
func Down(faults []Fault, now time.Time) (Fault, bool) {
	for _, f := range faults {
		if f.Down && f.Active(now) {
			return f, true
		}
	}
	return Fault{}, false
}

// Erroring returns the first of faults with an error rate active at now.
func Erroring(faults []Fault, now time.Time) (Fault, bool) {
	for _, f := range faults {
		if f.ErrorRate > 0 && f.Active(now) {
			return f, true
		}
	}
	return Fault{}, false
}
