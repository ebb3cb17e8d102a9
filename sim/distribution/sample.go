package distribution

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Validate reports the first problem that would keep Sample from drawing
// from d, with values in seconds; the zero Distribution is an error (a
// caller applies its default first). It is the check for Go callers such
// as sim/cluster's Config. Scenario files are checked more strictly by
// sim/scenario (every problem, by path; sigma > 0; no parameter the type
// does not take) before they reach it.
func (d Distribution) Validate() error {
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s distribution: %s must be a finite number, got %v", d.Type, name, v)
		}
		return nil
	}
	nonNeg := func(name string, v Duration) error {
		if v < 0 {
			return fmt.Errorf("%s distribution: %s must be >= 0 seconds, got %v", d.Type, name, v.D().Seconds())
		}
		return nil
	}
	switch d.Type {
	case Constant:
		return nonNeg("value", d.Value)
	case Uniform:
		if err := errors.Join(nonNeg("min", d.Min), nonNeg("max", d.Max)); err != nil {
			return err
		}
		if d.Max < d.Min {
			return fmt.Errorf("uniform distribution: max (%v) must be >= min (%v)", d.Max.D().Seconds(), d.Min.D().Seconds())
		}
	case Normal:
		return errors.Join(nonNeg("mean", d.Mean), nonNeg("stddev", d.StdDev))
	case LogNormal:
		sigma := finite("sigma", d.Sigma)
		if sigma == nil && d.Sigma < 0 {
			sigma = fmt.Errorf("lognormal distribution: sigma must be >= 0 (log-seconds), got %v", d.Sigma)
		}
		if err := errors.Join(finite("mu", d.Mu), sigma); err != nil {
			return err
		}
	case Exponential:
		if err := nonNeg("mean", d.Mean); err != nil {
			return err
		}
		if d.Mean == 0 {
			return errors.New("exponential distribution: mean must be > 0 seconds")
		}
	case Empirical:
		if len(d.Samples) == 0 {
			return errors.New("empirical distribution: samples must not be empty")
		}
		for i, s := range d.Samples {
			if err := nonNeg(fmt.Sprintf("samples[%d]", i), s); err != nil {
				return err
			}
		}
	case "":
		return fmt.Errorf("distribution type is required (one of %s, %s, %s, %s, %s, %s)",
			Constant, Uniform, Normal, LogNormal, Exponential, Empirical)
	default:
		return fmt.Errorf("unknown distribution type %q (want one of %s, %s, %s, %s, %s, %s)",
			d.Type, Constant, Uniform, Normal, LogNormal, Exponential, Empirical)
	}
	return nil
}

// maxRedraws bounds the redraws of a truncated normal; with mean >= 0 each
// draw is negative with probability at most 1/2.
const maxRedraws = 64

// Sample draws a duration from d using r (a constant draws nothing). The
// result is never negative. d must be valid.
//
// Parameters become float64 seconds and the draw is rounded back to the
// nanosecond. A constant takes the same path (exact below 2^53 ns, about
// 104 days) so that every value stays what it has always been.
func (d Distribution) Sample(r *rand.Rand) time.Duration {
	var s float64
	switch d.Type {
	case Constant:
		s = d.Value.D().Seconds()
	case Uniform:
		if d.Max == d.Min {
			s = d.Min.D().Seconds()
			break
		}
		s = distuv.Uniform{Min: d.Min.D().Seconds(), Max: d.Max.D().Seconds(), Src: r}.Rand()
	case Normal:
		n := distuv.Normal{Mu: d.Mean.D().Seconds(), Sigma: d.StdDev.D().Seconds(), Src: r}
		for range maxRedraws {
			if s = n.Rand(); s >= 0 {
				break
			}
		}
	case LogNormal:
		s = distuv.LogNormal{Mu: d.Mu, Sigma: d.Sigma, Src: r}.Rand()
	case Exponential:
		s = distuv.Exponential{Rate: 1 / d.Mean.D().Seconds(), Src: r}.Rand()
	case Empirical:
		s = d.Samples[r.IntN(len(d.Samples))].D().Seconds()
	}
	return seconds(s)
}

// seconds converts s seconds to a Duration, clamped to [0, MaxInt64].
func seconds(s float64) time.Duration {
	switch ns := s * float64(time.Second); {
	case !(ns > 0): // also NaN
		return 0
	case ns >= math.MaxInt64:
		return math.MaxInt64
	default:
		return time.Duration(math.Round(ns))
	}
}
