package container

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// DefaultServiceTime is the service time of a Workload without one.
const DefaultServiceTime = 10 * time.Millisecond

// Sampler draws a duration from a distribution.
type Sampler func(r *rand.Rand) time.Duration

// Workload models a Knative Service's user container.
type Workload struct {
	// ServiceTime is how long the container holds a request (default
	// DefaultServiceTime).
	ServiceTime Sampler
	// ColdStartExtra is added to the first request a pod serves.
	ColdStartExtra Sampler
	// MaxInFlight bounds requests the container works on at once; more wait
	// inside it, first come first served. 0 means no limit.
	MaxInFlight int
	// CPUPerRequestMilli is the CPU, in millicores, each request uses while
	// the container works on it; a pod's CPU use is this times its working
	// requests, integrated over time. 0: the pods use no CPU.
	CPUPerRequestMilli float64
}

// Validate reports the first invalid field.
func (w Workload) Validate() error {
	switch {
	case w.MaxInFlight < 0:
		return fmt.Errorf("workload: MaxInFlight must not be negative, got %d", w.MaxInFlight)
	case w.CPUPerRequestMilli < 0:
		return fmt.Errorf("workload: CPUPerRequestMilli must not be negative, got %g", w.CPUPerRequestMilli)
	}
	return nil
}
