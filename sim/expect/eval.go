package expect

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Results is what a run offers to expectations; the runner implements it.
type Results interface {
	// Metric returns the value of the metric called name (a KnownMetrics
	// name, e.g. "latency.p99" or "status.503") within scope. A duration
	// metric returns a Value with Duration set and Number in seconds. When
	// the run has no data for the metric (a percentile of zero requests),
	// Metric returns an error wrapping ErrNoData.
	Metric(name string, scope Scope) (Value, error)
}

// ErrNoData tells Eval that a metric has no value in this run: the
// comparison that needs it fails, whatever the operator or negation.
var ErrNoData = errors.New("no data")

// ResultsFunc adapts a function to Results.
type ResultsFunc func(name string, scope Scope) (Value, error)

// Metric calls f.
func (f ResultsFunc) Metric(name string, scope Scope) (Value, error) { return f(name, scope) }

// Map is a Results holding fixed values keyed by Ref.String(), e.g.
// "pods.max" or "service(helloworld-go).at(45s).pods.ready": handy in tests
// and for re-checking expectations against a stored results file.
type Map map[string]Value

// Metric looks the reference up; a missing key is ErrNoData.
func (m Map) Metric(name string, scope Scope) (Value, error) {
	ref := Ref{Metric: name, Scope: scope}
	v, ok := m[ref.String()]
	if !ok {
		return Value{}, fmt.Errorf("%s: %w", ref, ErrNoData)
	}
	return v, nil
}

// Scope narrows a metric.
type Scope struct {
	// At, when set, reads the metric as it stood this long after the run
	// started: a gauge's value at that instant, anything else over [0, At].
	At *time.Duration
	// Service, when set, restricts the metric to one Knative Service, written
	// "name" (namespace default) or "namespace/name".
	Service string
	// Revision, when set, restricts the metric to one Revision, written
	// like Service; it is how a traffic split is checked.
	Revision string
}

// String writes the scope as it prefixes a metric, e.g.
// "service(helloworld-go).at(45s)"; "" for the whole run.
func (s Scope) String() string {
	var parts []string
	if s.Service != "" {
		parts = append(parts, "service("+s.Service+")")
	}
	if s.Revision != "" {
		parts = append(parts, "revision("+s.Revision+")")
	}
	if s.At != nil {
		parts = append(parts, "at("+FormatDuration(*s.At)+")")
	}
	return strings.Join(parts, ".")
}

// Ref is one metric reference in an expression.
type Ref struct {
	// Metric is the metric's name, e.g. "pods.max".
	Metric string
	// Scope narrows it.
	Scope Scope
}

// String writes the reference in canonical form: service scope first, then
// revision, then at, then the name.
func (r Ref) String() string {
	if s := r.Scope.String(); s != "" {
		return s + "." + r.Metric
	}
	return r.Metric
}

// Value is a metric's value or a literal.
type Value struct {
	// Number is the value; for a duration it is in seconds.
	Number float64
	// Duration marks a duration.
	Duration bool
}

// Num is the number v.
func Num(v float64) Value { return Value{Number: v} }

// Dur is the duration d.
func Dur(d time.Duration) Value { return Value{Number: d.Seconds(), Duration: true} }

// String formats v for people: "14", "1.25", "312ms", "1m30s".
func (v Value) String() string {
	if v.Duration {
		return formatSeconds(v.Number)
	}
	return formatNumber(v.Number)
}

func formatSeconds(s float64) string {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return formatNumber(s) + "s"
	}
	d := time.Duration(math.Round(s * 1e9))
	switch a := d.Abs(); {
	case a >= time.Second:
		d = d.Round(time.Millisecond)
	case a >= time.Millisecond:
		d = d.Round(time.Microsecond)
	}
	return FormatDuration(d)
}

func formatNumber(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'g', -1, 64)
	case v == math.Trunc(v) && a < 1e15:
		return strconv.FormatInt(int64(v), 10)
	case a >= 0.001:
		s := strconv.FormatFloat(v, 'f', 4, 64)
		return strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// Outcome is the verdict on one expectation.
type Outcome struct {
	// Pass reports whether the expectation held.
	Pass bool
	// Text is the expression as written.
	Text string
	// Observed shows each comparison's values and what was wanted, e.g.
	// "pods.max = 14 (want <= 12); latency.p99 = 120ms (want < 250ms)".
	Observed string
}

// Eval evaluates e against r. Every comparison is evaluated (no short
// circuit) so Observed shows all values. An error from r other than
// ErrNoData, or a value of the wrong kind, is returned as an error.
func (e *Expr) Eval(r Results) (Outcome, error) {
	var obs []string
	pass, err := e.root.eval(r, false, &obs)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Pass: pass, Text: e.src, Observed: strings.Join(obs, "; ")}, nil
}

func (n *logical) eval(r Results, neg bool, obs *[]string) (bool, error) {
	l, err := n.l.eval(r, neg, obs)
	if err != nil {
		return false, err
	}
	rv, err := n.r.eval(r, neg, obs)
	if err != nil {
		return false, err
	}
	if n.and {
		return l && rv, nil
	}
	return l || rv, nil
}

func (n *not) eval(r Results, neg bool, obs *[]string) (bool, error) {
	v, err := n.x.eval(r, !neg, obs)
	return !v, err
}

func (c *comparison) eval(r Results, neg bool, obs *[]string) (bool, error) {
	l, lerr := c.l.value(r)
	rv, rerr := c.r.value(r)
	for _, err := range []error{lerr, rerr} {
		if err != nil && !errors.Is(err, ErrNoData) {
			return false, err
		}
	}
	op := c.op
	if neg {
		op = negated[op]
	}
	if lerr != nil || rerr != nil {
		// No data fails the comparison under either polarity.
		*obs = append(*obs, c.describe(l, rv, lerr != nil, rerr != nil, op))
		return neg, nil
	}
	*obs = append(*obs, c.describe(l, rv, false, false, op))
	return compare(l.Number, c.op, rv.Number), nil
}

// value looks a metric up or returns the literal.
func (o operand) value(r Results) (Value, error) {
	if o.ref == nil {
		return o.lit, nil
	}
	v, err := r.Metric(o.ref.Metric, o.ref.Scope)
	if err != nil {
		if errors.Is(err, ErrNoData) {
			return Value{}, ErrNoData
		}
		return Value{}, fmt.Errorf("%s: %w", o.text, err)
	}
	if v.Duration != (o.kind == DurationKind) {
		got := "number"
		if v.Duration {
			got = "duration"
		}
		return Value{}, fmt.Errorf("%s: the results gave a %s, but the metric is a %s", o.text, got, o.kind)
	}
	return v, nil
}

// format writes an operand's observed value in the style of the literal it
// is compared with.
func (o operand) format(v Value, noData bool, other operand) string {
	if noData {
		return "no data"
	}
	if other.pct && !v.Duration {
		return formatNumber(v.Number*100) + "%"
	}
	return v.String()
}

// describe writes one comparison's observation; op is the wanted operator
// after negations.
func (c *comparison) describe(l, r Value, lNo, rNo bool, op string) string {
	switch {
	case c.l.ref != nil && c.r.ref != nil:
		return fmt.Sprintf("%s = %s, %s = %s (want %s %s %s)", c.l.text, c.l.format(l, lNo, c.r),
			c.r.text, c.r.format(r, rNo, c.l), c.l.text, op, c.r.text)
	case c.l.ref != nil:
		return fmt.Sprintf("%s = %s (want %s %s)", c.l.text, c.l.format(l, lNo, c.r), op, c.r.text)
	default: // literal op metric: show the metric first
		return fmt.Sprintf("%s = %s (want %s %s)", c.r.text, c.r.format(r, rNo, c.l), mirrored[op], c.l.text)
	}
}

var negated = map[string]string{"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}

var mirrored = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

// tolerance is the relative difference under which two numbers are equal.
const tolerance = 1e-9

func compare(a float64, op string, b float64) bool {
	eq := a == b || math.Abs(a-b) <= tolerance*max(1, math.Abs(a), math.Abs(b))
	switch op {
	case "<":
		return a < b && !eq
	case "<=":
		return a < b || eq
	case ">":
		return a > b && !eq
	case ">=":
		return a > b || eq
	case "==":
		return eq
	case "!=":
		return !eq
	}
	return false
}
