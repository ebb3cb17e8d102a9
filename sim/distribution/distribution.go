package distribution

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Type names a family of duration distributions.
type Type string

// The families and the parameters each takes (YAML and JSON names in
// brackets). Sample's draws are described here; a draw is never negative.
const (
	// Constant always gives Value (value). A plain duration string ("2s")
	// is a constant.
	Constant Type = "constant"
	// Uniform (min, max) draws uniformly from [Min, Max): the draw in
	// seconds lies below Max, though rounding it to the nanosecond can give
	// Max itself. Min == Max gives Min.
	Uniform Type = "uniform"
	// Normal (mean, stddev) draws from N(Mean, StdDev²) truncated at 0:
	// a negative draw is drawn again, up to 64 times, and then counts as 0.
	Normal Type = "normal"
	// LogNormal (mu, sigma) draws exp(N(Mu, Sigma²)) seconds: Mu and Sigma
	// are the mean and standard deviation of the natural log of the
	// duration in seconds (the median is e^Mu seconds).
	LogNormal Type = "lognormal"
	// Exponential (mean) draws from an exponential distribution of mean
	// Mean.
	Exponential Type = "exponential"
	// Empirical (samples) draws one of Samples, each equally likely.
	Empirical Type = "empirical"
)

// Types lists the families in documentation order.
var Types = []Type{Constant, Uniform, Normal, LogNormal, Exponential, Empirical}

// params are the parameters (YAML and JSON names) each family takes.
var params = map[Type][]string{
	Constant:    {"value"},
	Uniform:     {"min", "max"},
	Normal:      {"mean", "stddev"},
	LogNormal:   {"mu", "sigma"},
	Exponential: {"mean"},
	Empirical:   {"samples"},
}

// Known reports whether t is one of Types.
func (t Type) Known() bool {
	_, ok := params[t]
	return ok
}

// Params lists the YAML and JSON names of the parameters t takes, all
// required; nil when t is not known.
func (t Type) Params() []string { return slices.Clone(params[t]) }

// Distribution is a distribution of durations. In YAML and JSON it is either
// a plain duration ("2s", a constant) or a mapping such as
// {type: uniform, min: 200ms, max: 1s} or {type: lognormal, mu: -0.38,
// sigma: 2.36}. The zero Distribution is unset: the default applies.
type Distribution struct {
	// Type is the family; it decides which parameters apply.
	Type Type `json:"type"`
	// Value is a constant's duration.
	Value Duration `json:"value,omitzero"`
	// Min is a uniform distribution's lower bound.
	Min Duration `json:"min,omitzero"`
	// Max is a uniform distribution's upper bound.
	Max Duration `json:"max,omitzero"`
	// Mean is a normal or exponential distribution's mean.
	Mean Duration `json:"mean,omitzero"`
	// StdDev is a normal distribution's standard deviation.
	StdDev Duration `json:"stddev,omitzero"`
	// Mu is a lognormal distribution's mean of ln(seconds).
	Mu float64 `json:"mu,omitzero"`
	// Sigma is a lognormal distribution's standard deviation of
	// ln(seconds).
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

// Given returns the YAML and JSON names of d's non-zero parameters, in
// field order, so a validator can name those its type does not take.
func (d Distribution) Given() []string {
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

// String describes d briefly, e.g. "2s" or "uniform(200ms, 1s)".
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

// distributionJSON is Distribution without its methods, for encoding.
type distributionJSON Distribution

// MarshalJSON writes a constant as a duration string and any other
// distribution as a mapping holding its type first, then every parameter
// the type takes.
func (d Distribution) MarshalJSON() ([]byte, error) {
	ps, known := params[d.Type]
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
	for _, p := range ps {
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
