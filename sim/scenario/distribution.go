package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// DistributionType names a family of duration distributions.
type DistributionType string

// The distribution families and the parameters each takes (all required).
const (
	// Constant always gives Value. A plain duration string ("2s") is a
	// constant.
	Constant DistributionType = "constant"
	// Uniform draws uniformly from [Min, Max].
	Uniform DistributionType = "uniform"
	// Normal draws from a normal distribution of Mean and StdDev, truncated
	// at 0.
	Normal DistributionType = "normal"
	// LogNormal draws exp(N(Mu, Sigma²)) seconds: Mu and Sigma are the mean
	// and standard deviation of the natural log of the duration in seconds
	// (the median is e^Mu seconds).
	LogNormal DistributionType = "lognormal"
	// Exponential draws from an exponential distribution of mean Mean.
	Exponential DistributionType = "exponential"
	// Empirical draws one of Samples, each equally likely.
	Empirical DistributionType = "empirical"
)

// DistributionTypes lists the families in documentation order.
var DistributionTypes = []DistributionType{Constant, Uniform, Normal, LogNormal, Exponential, Empirical}

// distParams are the parameters (YAML names) each family takes.
var distParams = map[DistributionType][]string{
	Constant:    {"value"},
	Uniform:     {"min", "max"},
	Normal:      {"mean", "stddev"},
	LogNormal:   {"mu", "sigma"},
	Exponential: {"mean"},
	Empirical:   {"samples"},
}

// Distribution is a distribution of durations. In YAML it is either a
// plain duration ("2s", a constant) or a mapping such as
// {type: uniform, min: 200ms, max: 1s} or {type: lognormal, mu: -0.38,
// sigma: 2.36}. The zero Distribution is unset: the default applies.
type Distribution struct {
	// Type is the family; it decides which parameters apply.
	Type DistributionType `json:"type" jsonschema:"enum=constant,enum=uniform,enum=normal,enum=lognormal,enum=exponential,enum=empirical"`
	// Value is a constant's duration.
	Value Duration `json:"value,omitzero"`
	// Min and Max bound a uniform distribution.
	Min Duration `json:"min,omitzero"`
	// Max is a uniform distribution's upper bound.
	Max Duration `json:"max,omitzero"`
	// Mean is a normal or exponential distribution's mean.
	Mean Duration `json:"mean,omitzero"`
	// StdDev is a normal distribution's standard deviation.
	StdDev Duration `json:"stddev,omitzero"`
	// Mu is a lognormal distribution's mean of ln(seconds).
	Mu float64 `json:"mu,omitzero"`
	// Sigma is a lognormal distribution's standard deviation of ln(seconds),
	// greater than 0.
	Sigma float64 `json:"sigma,omitzero"`
	// Samples are an empirical distribution's values.
	Samples []Duration `json:"samples,omitempty"`
}

// ConstantDuration is the distribution that always gives d.
func ConstantDuration(d time.Duration) Distribution {
	return Distribution{Type: Constant, Value: Duration(d)}
}

// UniformDuration draws uniformly between lo and hi.
func UniformDuration(lo, hi time.Duration) Distribution {
	return Distribution{Type: Uniform, Min: Duration(lo), Max: Duration(hi)}
}

// NormalDuration draws from a normal distribution truncated at 0.
func NormalDuration(mean, stddev time.Duration) Distribution {
	return Distribution{Type: Normal, Mean: Duration(mean), StdDev: Duration(stddev)}
}

// LogNormalDuration draws exp(N(mu, sigma²)) seconds.
func LogNormalDuration(mu, sigma float64) Distribution {
	return Distribution{Type: LogNormal, Mu: mu, Sigma: sigma}
}

// ExponentialDuration draws from an exponential distribution with this mean.
func ExponentialDuration(mean time.Duration) Distribution {
	return Distribution{Type: Exponential, Mean: Duration(mean)}
}

// EmpiricalDuration draws one of samples, each equally likely.
func EmpiricalDuration(samples ...time.Duration) Distribution {
	s := make([]Duration, len(samples))
	for i, d := range samples {
		s[i] = Duration(d)
	}
	return Distribution{Type: Empirical, Samples: s}
}

// IsZero reports whether d is unset.
func (d Distribution) IsZero() bool {
	return d.Type == "" && d.Value == 0 && d.Min == 0 && d.Max == 0 && d.Mean == 0 &&
		d.StdDev == 0 && d.Mu == 0 && d.Sigma == 0 && len(d.Samples) == 0
}

// String describes d briefly, e.g. "uniform(200ms, 1s)".
func (d Distribution) String() string {
	switch d.Type {
	case Constant:
		return d.Value.String()
	case Uniform:
		return fmt.Sprintf("uniform(%s, %s)", d.Min, d.Max)
	case Normal:
		return fmt.Sprintf("normal(mean=%s, stddev=%s)", d.Mean, d.StdDev)
	case LogNormal:
		return fmt.Sprintf("lognormal(mu=%v, sigma=%v)", d.Mu, d.Sigma)
	case Exponential:
		return fmt.Sprintf("exponential(mean=%s)", d.Mean)
	case Empirical:
		s := make([]string, len(d.Samples))
		for i, v := range d.Samples {
			s[i] = v.String()
		}
		return "empirical(" + strings.Join(s, ", ") + ")"
	case "":
		if d.IsZero() {
			return "unset"
		}
	}
	return fmt.Sprintf("distribution(%q)", string(d.Type))
}

// set returns the YAML names of the parameters that are non-zero.
func (d Distribution) set() []string {
	var out []string
	add := func(name string, nonZero bool) {
		if nonZero {
			out = append(out, name)
		}
	}
	add("value", d.Value != 0)
	add("min", d.Min != 0)
	add("max", d.Max != 0)
	add("mean", d.Mean != 0)
	add("stddev", d.StdDev != 0)
	add("mu", d.Mu != 0)
	add("sigma", d.Sigma != 0)
	add("samples", len(d.Samples) > 0)
	return out
}

// validate reports problems with d's parameters, under path.
func (d Distribution) validate(v *validator, path string) {
	if d.IsZero() {
		return
	}
	params, known := distParams[d.Type]
	switch {
	case d.Type == "":
		v.errorf(path+".type", "a distribution needs a type: one of %s", typeList())
		return
	case !known:
		v.errorf(path+".type", "unknown distribution type %q%s", d.Type, didYouMean(string(d.Type), typeNames()))
		return
	}
	for _, name := range d.set() {
		if !slices.Contains(params, name) {
			v.errorf(path+"."+name, "does not apply to the %s distribution (it takes %s)", d.Type, strings.Join(params, ", "))
		}
	}
	nonNeg := func(name string, x Duration) {
		if x < 0 {
			v.errorf(path+"."+name, "expected a duration >= 0, got %q", x.String())
		}
	}
	switch d.Type {
	case Constant:
		nonNeg("value", d.Value)
	case Uniform:
		nonNeg("min", d.Min)
		nonNeg("max", d.Max)
		if d.Max < d.Min {
			v.errorf(path+".max", "max (%s) must be >= min (%s)", d.Max, d.Min)
		}
	case Normal:
		nonNeg("mean", d.Mean)
		nonNeg("stddev", d.StdDev)
	case LogNormal:
		if math.IsNaN(d.Mu) || math.IsInf(d.Mu, 0) {
			v.errorf(path+".mu", "expected a finite number (log-seconds), got %v", d.Mu)
		}
		if !(d.Sigma > 0) || math.IsInf(d.Sigma, 0) {
			v.errorf(path+".sigma", "expected a number > 0 (log-seconds), got %v", d.Sigma)
		}
	case Exponential:
		if d.Mean <= 0 {
			v.errorf(path+".mean", "expected a duration > 0, got %q", d.Mean.String())
		}
	case Empirical:
		if len(d.Samples) == 0 {
			v.errorf(path+".samples", "the empirical distribution needs at least one sample")
		}
		for i, s := range d.Samples {
			nonNeg(fmt.Sprintf("samples[%d]", i), s)
		}
	}
}

func typeNames() []string {
	out := make([]string, len(DistributionTypes))
	for i, t := range DistributionTypes {
		out[i] = string(t)
	}
	return out
}

func typeList() string { return strings.Join(typeNames(), ", ") }

// distributionJSON is Distribution without its methods, for encoding.
type distributionJSON Distribution

// MarshalJSON writes a constant as a duration string and any other
// distribution as a mapping holding its type first, then every parameter
// the type takes.
func (d Distribution) MarshalJSON() ([]byte, error) {
	params, known := distParams[d.Type]
	switch {
	case d.Type == Constant:
		return json.Marshal(d.Value.String())
	case !known:
		return json.Marshal(distributionJSON(d))
	}
	values := map[string]any{"min": d.Min, "max": d.Max, "mean": d.Mean, "stddev": d.StdDev,
		"mu": d.Mu, "sigma": d.Sigma, "samples": d.Samples}
	var b bytes.Buffer
	b.WriteString(`{"type":`)
	t, _ := json.Marshal(d.Type)
	b.Write(t)
	for _, p := range params {
		v, err := json.Marshal(values[p])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, `,%q:%s`, p, v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads either form MarshalJSON writes.
func (d *Distribution) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Distribution{Type: Constant, Value: v}
		return nil
	}
	var x distributionJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*d = Distribution(x)
	return nil
}
