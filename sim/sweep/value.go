package sweep

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/scenario"
)

// unit is what a range's bounds are.
type unit int

const (
	number unit = iota
	durationUnit
	quantityUnit
)

// bounds is a range read into numbers: plain, nanoseconds, or milli-units
// of a quantity.
type bounds struct {
	lo, hi  float64
	unit    unit
	format  resource.Format
	log     bool
	integer bool
	steps   int
}

// parse reads the range's bounds: numbers when both are numbers, else
// durations when both read as durations ("500m" is 500 minutes), else
// Kubernetes quantities.
func (r *Range) parse() (bounds, error) {
	b := bounds{unit: number, integer: r.Integer, steps: r.Steps}
	lo, errLo := strconv.ParseFloat(string(r.Min), 64)
	hi, errHi := strconv.ParseFloat(string(r.Max), 64)
	if errLo != nil || errHi != nil || math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		dlo, errLo := scenario.ParseDuration(string(r.Min))
		dhi, errHi := scenario.ParseDuration(string(r.Max))
		if errLo == nil && errHi == nil {
			lo, hi, b.unit, b.integer = float64(dlo), float64(dhi), durationUnit, true
		} else {
			qlo, errLo := resource.ParseQuantity(string(r.Min))
			qhi, errHi := resource.ParseQuantity(string(r.Max))
			if errLo != nil || errHi != nil {
				return b, fmt.Errorf("min and max must both be numbers, durations (50ms) or quantities (500m, 2Gi); got %q and %q", r.Min, r.Max)
			}
			lo, hi, b.unit, b.integer, b.format = float64(qlo.MilliValue()), float64(qhi.MilliValue()), quantityUnit, true, qlo.Format
		}
	}
	b.lo, b.hi = lo, hi
	switch {
	case hi < lo:
		return b, fmt.Errorf("max %s is below min %s", r.Max, r.Min)
	case r.Scale == "log":
		if lo <= 0 {
			return b, errors.New("a log scale needs a positive min")
		}
		b.log = true
	case r.Scale != "" && r.Scale != "linear":
		return b, fmt.Errorf("scale: expected linear or log, got %q", r.Scale)
	}
	return b, nil
}

// at is the value a fraction u in [0, 1] of the way from lo to hi.
func (b bounds) at(u float64) Value {
	var x float64
	if b.log {
		x = math.Exp(math.Log(b.lo) + u*(math.Log(b.hi)-math.Log(b.lo)))
	} else {
		x = b.lo + u*(b.hi-b.lo)
	}
	x = math.Min(math.Max(x, b.lo), b.hi)
	switch b.unit {
	case durationUnit:
		return Value(time.Duration(math.Round(x)).String())
	case quantityUnit:
		return Value(resource.NewMilliQuantity(int64(math.Round(x)), b.format).String())
	}
	if b.integer {
		return Value(strconv.FormatFloat(math.Round(x), 'f', -1, 64))
	}
	// Six significant digits: enough to tell points apart, and stable text.
	return Value(strconv.FormatFloat(x, 'g', 6, 64))
}

// grid lists the range's steps, Min and Max included.
func (b bounds) grid() []Value {
	out := make([]Value, 0, b.steps)
	for i := range b.steps {
		v := b.at(float64(i) / float64(b.steps-1))
		if len(out) == 0 || out[len(out)-1] != v { // integer rounding can repeat a value
			out = append(out, v)
		}
	}
	return out
}
