package cluster

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// DistributionType names a family of duration distributions.
type DistributionType string

// The distribution families. Parameters are in seconds, except lognormal's
// mu and sigma, which are the mean and standard deviation of ln(seconds).
const (
	// Constant always gives Value.
	Constant DistributionType = "constant"
	// Uniform draws uniformly from [Min, Max).
	Uniform DistributionType = "uniform"
	// Normal draws from N(Mean, StdDev²) truncated at 0: negative draws are
	// drawn again.
	Normal DistributionType = "normal"
	// LogNormal draws exp(N(Mu, Sigma²)).
	LogNormal DistributionType = "lognormal"
	// Exponential draws from an exponential distribution with mean Mean.
	Exponential DistributionType = "exponential"
	// Empirical draws one of Samples, each with equal probability.
	Empirical DistributionType = "empirical"
)

// Distribution is a distribution of durations, written in YAML or JSON as,
// for example, {type: lognormal, mu: 0.5, sigma: 0.3} or
// {type: uniform, min: 0.2, max: 1.5}. The zero Distribution is unset: Config
// replaces it with a default.
type Distribution struct {
	// Type is the family; it selects which parameters are used.
	Type DistributionType `json:"type"`
	// Value is a constant's value in seconds.
	Value float64 `json:"value,omitempty"`
	// Min and Max bound a uniform distribution, in seconds.
	Min float64 `json:"min,omitempty"`
	Max float64 `json:"max,omitempty"`
	// Mean is a normal or exponential distribution's mean, in seconds.
	Mean float64 `json:"mean,omitempty"`
	// StdDev is a normal distribution's standard deviation, in seconds.
	StdDev float64 `json:"stddev,omitempty"`
	// Mu and Sigma are a lognormal distribution's parameters: the mean and
	// standard deviation of the natural log of the duration in seconds.
	Mu    float64 `json:"mu,omitempty"`
	Sigma float64 `json:"sigma,omitempty"`
	// Samples are an empirical distribution's values, in seconds.
	Samples []float64 `json:"samples,omitempty"`
}

// ConstantDuration is the distribution that always gives d.
func ConstantDuration(d time.Duration) Distribution {
	return Distribution{Type: Constant, Value: d.Seconds()}
}

// UniformDuration draws uniformly between minD and maxD.
func UniformDuration(minD, maxD time.Duration) Distribution {
	return Distribution{Type: Uniform, Min: minD.Seconds(), Max: maxD.Seconds()}
}

// NormalDuration draws from a normal distribution truncated at 0.
func NormalDuration(mean, stddev time.Duration) Distribution {
	return Distribution{Type: Normal, Mean: mean.Seconds(), StdDev: stddev.Seconds()}
}

// LogNormalDuration draws exp(N(mu, sigma²)) seconds.
func LogNormalDuration(mu, sigma float64) Distribution {
	return Distribution{Type: LogNormal, Mu: mu, Sigma: sigma}
}

// ExponentialDuration draws from an exponential distribution with the given mean.
func ExponentialDuration(mean time.Duration) Distribution {
	return Distribution{Type: Exponential, Mean: mean.Seconds()}
}

// EmpiricalDuration draws one of samples uniformly.
func EmpiricalDuration(samples ...time.Duration) Distribution {
	s := make([]float64, len(samples))
	for i, d := range samples {
		s[i] = d.Seconds()
	}
	return Distribution{Type: Empirical, Samples: s}
}

// IsZero reports whether d is unset.
func (d Distribution) IsZero() bool {
	return d.Type == "" && d.Value == 0 && d.Min == 0 && d.Max == 0 && d.Mean == 0 &&
		d.StdDev == 0 && d.Mu == 0 && d.Sigma == 0 && len(d.Samples) == 0
}

// Validate reports the first problem with d's parameters.
func (d Distribution) Validate() error {
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s distribution: %s must be a finite number, got %v", d.Type, name, v)
		}
		return nil
	}
	nonNeg := func(name string, v float64) error {
		if err := finite(name, v); err != nil {
			return err
		}
		if v < 0 {
			return fmt.Errorf("%s distribution: %s must be >= 0 seconds, got %v", d.Type, name, v)
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
			return fmt.Errorf("uniform distribution: max (%v) must be >= min (%v)", d.Max, d.Min)
		}
	case Normal:
		return errors.Join(nonNeg("mean", d.Mean), nonNeg("stddev", d.StdDev))
	case LogNormal:
		if err := errors.Join(finite("mu", d.Mu), nonNeg("sigma", d.Sigma)); err != nil {
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
func (d Distribution) Sample(r *rand.Rand) time.Duration {
	var s float64
	switch d.Type {
	case Constant:
		s = d.Value
	case Uniform:
		if d.Max == d.Min {
			s = d.Min
			break
		}
		s = distuv.Uniform{Min: d.Min, Max: d.Max, Src: r}.Rand()
	case Normal:
		n := distuv.Normal{Mu: d.Mean, Sigma: d.StdDev, Src: r}
		for range maxRedraws {
			if s = n.Rand(); s >= 0 {
				break
			}
		}
	case LogNormal:
		s = distuv.LogNormal{Mu: d.Mu, Sigma: d.Sigma, Src: r}.Rand()
	case Exponential:
		s = distuv.Exponential{Rate: 1 / d.Mean, Src: r}.Rand()
	case Empirical:
		s = d.Samples[r.IntN(len(d.Samples))]
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

// String describes d briefly, e.g. "lognormal(mu=0.5, sigma=0.3)".
func (d Distribution) String() string {
	switch d.Type {
	case Constant:
		return fmt.Sprintf("constant(%s)", seconds(d.Value))
	case Uniform:
		return fmt.Sprintf("uniform(%s, %s)", seconds(d.Min), seconds(d.Max))
	case Normal:
		return fmt.Sprintf("normal(mean=%s, stddev=%s)", seconds(d.Mean), seconds(d.StdDev))
	case LogNormal:
		return fmt.Sprintf("lognormal(mu=%v, sigma=%v)", d.Mu, d.Sigma)
	case Exponential:
		return fmt.Sprintf("exponential(mean=%s)", seconds(d.Mean))
	case Empirical:
		return fmt.Sprintf("empirical(%d samples)", len(d.Samples))
	}
	return fmt.Sprintf("distribution(%q)", string(d.Type))
}
