package fleet

import (
	"errors"
	"fmt"
	"math"
)

// Limits and defaults of a [Config].
const (
	// ShippedFunctions is the number of functions of the shipped trace: a
	// Config of that many functions generates [ShippedProfiles].
	ShippedFunctions = 20
	// MaxFunctions is the largest fleet Generate makes. A function's day
	// takes about 12 kB in memory and 3 to 10 kB in the trace file.
	MaxFunctions = 100_000
	// DefaultInvocationsPerFunction is the default scale of a sampled
	// fleet: the day totals about this many invocations per function, as
	// the shipped 20 functions do (1.25 million a day).
	DefaultInvocationsPerFunction = 60_000
	// MaxInvocationsPerFunction bounds InvocationsPerFunction: 10 million a
	// day per function keeps the counts far from overflowing and a run
	// within reach.
	MaxInvocationsPerFunction = 10_000_000
	// MaxMeanConcurrency caps a sampled function's mean number of
	// invocations in flight (mean rate times mean execution time) by
	// shortening its execution time (never below 30 ms), so that the
	// busiest functions of a large fleet do not need hundreds of pods.
	MaxMeanConcurrency = 2.0
)

// Config says which fleet to generate.
type Config struct {
	// Functions is the number of functions, 1 to MaxFunctions. 20 gives
	// the shipped profiles ([ShippedProfiles]); any other number samples
	// the population described in the package documentation.
	Functions int
	// Seed seeds the random draws: the counts, and for a sampled fleet the
	// profiles. The same Config gives the same fleet.
	Seed uint64
	// InvocationsPerFunction scales a sampled fleet: its day totals about
	// this many invocations per function (0 means
	// DefaultInvocationsPerFunction). It does not apply to the 20 shipped
	// profiles, whose day is fixed. Below about 10,000 the top 20 % of the
	// functions make less than 99 % of the invocations.
	InvocationsPerFunction float64
	// Sampled samples the population for 20 functions too, so that fleets
	// of every size come from one population (bench/fleet compares them).
	Sampled bool
}

// Shipped reports whether c generates the 20 shipped profiles.
func (c Config) Shipped() bool { return c.Functions == ShippedFunctions && !c.Sampled }

// invocationsPerFunction is InvocationsPerFunction with its default.
func (c Config) invocationsPerFunction() float64 {
	if c.InvocationsPerFunction == 0 {
		return DefaultInvocationsPerFunction
	}
	return c.InvocationsPerFunction
}

// Validate says what is wrong with c, if anything.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.Functions <= 0:
		errs = append(errs, fmt.Errorf("functions: expected at least 1, got %d", c.Functions))
	case c.Functions > MaxFunctions:
		errs = append(errs, fmt.Errorf("functions: expected at most %d, got %d", MaxFunctions, c.Functions))
	}
	ipf := c.InvocationsPerFunction
	switch {
	case math.IsNaN(ipf) || ipf < 0 || ipf > MaxInvocationsPerFunction:
		errs = append(errs, fmt.Errorf("invocations per function: expected 0 (the default, %d) to %d, got %g",
			DefaultInvocationsPerFunction, MaxInvocationsPerFunction, ipf))
	case c.Shipped() && ipf != 0 && ipf != DefaultInvocationsPerFunction:
		errs = append(errs, fmt.Errorf("invocations per function: %d functions are the shipped profiles, whose day is fixed (about 1.25 million invocations); choose another number of functions to scale a sampled fleet",
			ShippedFunctions))
	}
	return errors.Join(errs...)
}
