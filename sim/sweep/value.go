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

// parse reads the range's bounds, which must be of one kind.
func (r *Range) parse() (bounds, error) {
	lo, ulo, flo, err := parseBound(string(r.Min))
	if err != nil {
		return bounds{}, fmt.Errorf("min: %v", err)
	}
	hi, uhi, _, err := parseBound(string(r.Max))
	if err != nil {
		return bounds{}, fmt.Errorf("max: %v", err)
	}
	b := bounds{lo: lo, hi: hi, unit: ulo, format: flo, integer: r.Integer || ulo != number, steps: r.Steps}
	switch {
	case ulo != uhi:
		return b, errors.New("min and max must be of one kind: numbers, durations or quantities")
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

// parseBound reads a number, a duration or a quantity.
func parseBound(s string) (float64, unit, resource.Format, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return f, number, "", nil
	}
	if d, err := scenario.ParseDuration(s); err == nil {
		return float64(d), durationUnit, "", nil
	}
	if q, err := resource.ParseQuantity(s); err == nil {
		return float64(q.MilliValue()), quantityUnit, q.Format, nil
	}
	return 0, 0, "", fmt.Errorf("expected a number, a duration (50ms) or a quantity (500m, 2Gi), got %q", s)
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
