package traffic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Shape is a request rate over time, t measured from the generator's start.
type Shape interface {
	// RPS is the rate at t.
	RPS(t time.Duration) float64
	// Max bounds RPS over the whole run; Poisson arrivals are drawn at this
	// rate and thinned.
	Max() float64
}

// Constant is a fixed rate.
type Constant struct{ Rate float64 }

// RPS implements Shape.
func (c Constant) RPS(time.Duration) float64 { return c.Rate }

// Max implements Shape.
func (c Constant) Max() float64 { return c.Rate }

// Step sets the rate from At on.
type Step struct {
	At   time.Duration
	Rate float64
}

// Steps is a piecewise-constant rate (0 before the first step).
type Steps []Step

// RPS implements Shape.
func (s Steps) RPS(t time.Duration) float64 {
	r := 0.0
	for _, st := range s {
		if t >= st.At {
			r = st.Rate
		}
	}
	return r
}

// Max implements Shape.
func (s Steps) Max() float64 {
	m := 0.0
	for _, st := range s {
		m = math.Max(m, st.Rate)
	}
	return m
}

// Ramp moves linearly from From to To over Over, then holds To.
type Ramp struct {
	From, To float64
	Over     time.Duration
}

// RPS implements Shape.
func (r Ramp) RPS(t time.Duration) float64 {
	if t >= r.Over || r.Over <= 0 {
		return r.To
	}
	return r.From + (r.To-r.From)*float64(t)/float64(r.Over)
}

// Max implements Shape.
func (r Ramp) Max() float64 { return math.Max(r.From, r.To) }

// Sine oscillates around Mean with Amplitude and Period, starting at Mean
// and rising; Diurnal is a Sine with a 24 h period starting at its trough.
type Sine struct {
	Mean, Amplitude float64
	Period          time.Duration
	// Phase shifts the curve; Diurnal uses -Period/4 to start at the trough.
	Phase time.Duration
}

// RPS implements Shape.
func (s Sine) RPS(t time.Duration) float64 {
	v := s.Mean + s.Amplitude*math.Sin(2*math.Pi*float64(t+s.Phase)/float64(s.Period))
	return math.Max(0, v)
}

// Max implements Shape.
func (s Sine) Max() float64 { return s.Mean + math.Abs(s.Amplitude) }

// Diurnal returns a day-long Sine from its trough (night) to its peak at 12 h.
func Diurnal(mean, amplitude float64) Sine {
	return Sine{Mean: mean, Amplitude: amplitude, Period: 24 * time.Hour, Phase: -6 * time.Hour}
}

// Arrivals says how requests are spaced.
type Arrivals string

const (
	// Poisson draws exponential gaps (a non-homogeneous Poisson process by thinning).
	Poisson Arrivals = "poisson"
	// Even spaces requests exactly 1/rate apart.
	Even Arrivals = "even"
)

// Rate is an open-loop generator: arrivals follow Shape whether or not
// responses come back, for Duration.
type Rate struct {
	Host     string
	Shape    Shape
	Arrivals Arrivals
	Duration time.Duration
	// Rand drives Poisson arrivals; seed it from the engine for determinism.
	Rand *rand.Rand
}

// Validate implements Generator.
func (r Rate) Validate() error {
	switch {
	case r.Host == "":
		return fmt.Errorf("rate: host is required")
	case r.Shape == nil:
		return fmt.Errorf("rate: shape is required")
	case r.Shape.Max() < 0 || math.IsNaN(r.Shape.Max()):
		return fmt.Errorf("rate: rates must not be negative")
	case r.Duration <= 0:
		return fmt.Errorf("rate: duration must be positive, got %s", r.Duration)
	case r.Arrivals != Poisson && r.Arrivals != Even:
		return fmt.Errorf("rate: arrivals must be %q or %q, got %q", Poisson, Even, r.Arrivals)
	case r.Arrivals == Poisson && r.Rand == nil:
		return fmt.Errorf("rate: poisson arrivals need a random source")
	}
	return nil
}

// Run implements Generator.
func (r Rate) Run(s Scheduler, start time.Time, send Sender) {
	end := start.Add(r.Duration)
	var step func(t time.Duration, first bool)
	step = func(t time.Duration, first bool) {
		next, ok := r.next(t, first)
		if !ok || !start.Add(next).Before(end) {
			return
		}
		s.Schedule(start.Add(next), func(at time.Time) {
			send(at, r.Host, nil)
			step(next, false)
		})
	}
	step(0, true)
}

// next returns the offset of the arrival after the one at t (or the first
// one when first is set), or false when none can come before Duration.
func (r Rate) next(t time.Duration, first bool) (time.Duration, bool) {
	max := r.Shape.Max()
	if max <= 0 {
		return 0, false
	}
	if r.Arrivals == Poisson {
		for t < r.Duration {
			t += time.Duration(r.Rand.ExpFloat64() / max * float64(time.Second))
			if r.Rand.Float64()*max < r.Shape.RPS(t) {
				return t, true
			}
		}
		return 0, false
	}
	if !first {
		rate := r.Shape.RPS(t)
		if rate <= 0 {
			return 0, false // only reached when the previous arrival was at a zero rate
		}
		t += time.Duration(float64(time.Second) / rate)
	}
	// An arrival lands only where the rate is positive; while it is zero,
	// wait for it to rise, in 100 ms probes.
	for probe := t; probe < r.Duration; probe += 100 * time.Millisecond {
		if r.Shape.RPS(probe) > 0 {
			return probe, true
		}
	}
	return 0, false
}
