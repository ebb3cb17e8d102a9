package scenario

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/knsim/knsim/sim/distribution"
)

// validateDistribution reports problems with d's parameters, under path.
// It is stricter than d.Validate, which only guards Sample: every problem
// is named by path, a parameter the type does not take is an error, and a
// lognormal sigma must be > 0.
func validateDistribution(v *validator, path string, d distribution.Distribution) {
	if d.IsZero() {
		return
	}
	params := d.Type.Params()
	switch {
	case d.Type == "":
		v.errorf(path+".type", "a distribution needs a type: one of %s", typeList())
		return
	case !d.Type.Known():
		v.errorf(path+".type", "unknown distribution type %q%s", d.Type, didYouMean(string(d.Type), typeNames()))
		return
	}
	for _, name := range d.Given() {
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
	case distribution.Constant:
		nonNeg("value", d.Value)
	case distribution.Uniform:
		nonNeg("min", d.Min)
		nonNeg("max", d.Max)
		if d.Max < d.Min {
			v.errorf(path+".max", "max (%s) must be >= min (%s)", d.Max, d.Min)
		}
	case distribution.Normal:
		nonNeg("mean", d.Mean)
		nonNeg("stddev", d.StdDev)
	case distribution.LogNormal:
		if math.IsNaN(d.Mu) || math.IsInf(d.Mu, 0) {
			v.errorf(path+".mu", "expected a finite number (log-seconds), got %v", d.Mu)
		}
		if !(d.Sigma > 0) || math.IsInf(d.Sigma, 0) {
			v.errorf(path+".sigma", "expected a number > 0 (log-seconds), got %v", d.Sigma)
		}
	case distribution.Exponential:
		if d.Mean <= 0 {
			v.errorf(path+".mean", "expected a duration > 0, got %q", d.Mean.String())
		}
	case distribution.Empirical:
		if len(d.Samples) == 0 {
			v.errorf(path+".samples", "the empirical distribution needs at least one sample")
		}
		for i, s := range d.Samples {
			nonNeg(fmt.Sprintf("samples[%d]", i), s)
		}
	}
}

func typeNames() []string {
	out := make([]string, len(distribution.Types))
	for i, t := range distribution.Types {
		out[i] = string(t)
	}
	return out
}

func typeList() string { return strings.Join(typeNames(), ", ") }
