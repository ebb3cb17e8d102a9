package reports

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/knsim/knsim/sim/sweep"
)

// The metrics of a sweep point that objectives and constraints name, and
// how each is read from the point's mean over its seeds.
var frontierMetrics = map[string]struct {
	unit string
	get  func(sweep.Metrics) float64
}{
	"cost":             {"", func(m sweep.Metrics) float64 { return m.Cost }},
	"latency.p50":      {"ms", func(m sweep.Metrics) float64 { return m.P50Ms }},
	"latency.p99":      {"ms", func(m sweep.Metrics) float64 { return m.P99Ms }},
	"coldstarts.count": {"", func(m sweep.Metrics) float64 { return m.ColdStarts }},
	"coldstarts.rate":  {"", func(m sweep.Metrics) float64 { return m.ColdStartRate }},
	"pods.max":         {"", func(m sweep.Metrics) float64 { return m.MaxPods }},
	"pods.seconds":     {"", func(m sweep.Metrics) float64 { return m.PodSeconds }},
	"idle.gib_seconds": {"", func(m sweep.Metrics) float64 { return m.IdleGiBSeconds }},
	"requests.errors":  {"", func(m sweep.Metrics) float64 { return m.Errors }},
}

func metricNames() string {
	var names []string
	for k := range frontierMetrics {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Constraint is a bound a recommended point must meet, such as
// "latency.p99 < 500ms".
type Constraint struct {
	Metric string
	Op     string
	Value  float64 // in the metric's unit (milliseconds for latency)
	Text   string
}

var constraintRE = regexp.MustCompile(`^\s*([a-z0-9.]+)\s*(<=|>=|<|>|==)\s*(\S+)\s*$`)

// ParseConstraint reads "METRIC OP VALUE"; latencies take durations
// ("500ms", "1s") or milliseconds.
func ParseConstraint(s string) (Constraint, error) {
	m := constraintRE.FindStringSubmatch(s)
	if m == nil {
		return Constraint{}, fmt.Errorf("constraint %q: expected METRIC OP VALUE, e.g. 'latency.p99 < 500ms'", s)
	}
	metric, ok := frontierMetrics[m[1]]
	if !ok {
		return Constraint{}, fmt.Errorf("constraint %q: unknown metric %q; expected one of %s", s, m[1], metricNames())
	}
	c := Constraint{Metric: m[1], Op: m[2], Text: strings.TrimSpace(s)}
	if v, err := strconv.ParseFloat(m[3], 64); err == nil {
		c.Value = v
		return c, nil
	}
	if d, err := time.ParseDuration(m[3]); err == nil && metric.unit == "ms" {
		c.Value = float64(d) / float64(time.Millisecond)
		return c, nil
	}
	if metric.unit == "ms" {
		return Constraint{}, fmt.Errorf("constraint %q: %q is neither a duration nor a number of milliseconds", s, m[3])
	}
	return Constraint{}, fmt.Errorf("constraint %q: %q is not a number", s, m[3])
}

// holds reports whether m meets the constraint.
func (c Constraint) holds(m sweep.Metrics) bool {
	v := frontierMetrics[c.Metric].get(m)
	switch c.Op {
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case ">":
		return v > c.Value
	case ">=":
		return v >= c.Value
	}
	return v == c.Value
}

// Objective is the metric the recommendation minimizes ("cost", or
// "max:METRIC" to maximize one).
type Objective struct {
	Metric   string
	Maximize bool
}

// ParseObjective reads "METRIC", "min:METRIC" or "max:METRIC".
func ParseObjective(s string) (Objective, error) {
	o := Objective{Metric: strings.TrimSpace(s)}
	if rest, ok := strings.CutPrefix(o.Metric, "max:"); ok {
		o.Metric, o.Maximize = rest, true
	} else if rest, ok := strings.CutPrefix(o.Metric, "min:"); ok {
		o.Metric = rest
	}
	if _, ok := frontierMetrics[o.Metric]; !ok {
		return o, fmt.Errorf("objective %q: unknown metric %q; expected one of %s", s, o.Metric, metricNames())
	}
	return o, nil
}

func (o Objective) String() string {
	if o.Maximize {
		return "the highest " + o.Metric
	}
	return "the lowest " + o.Metric
}

// Frontier is a sweep's points judged for capacity planning.
type Frontier struct {
	Summary     *sweep.Summary
	Objective   Objective
	Constraints []Constraint
	Points      []FrontierPoint
	// Recommended indexes Points; -1 when no point meets the constraints.
	Recommended int
	// Why explains the recommendation in a sentence or two.
	Why string
	// Detail, when set, is a run of the recommended point read in full
	// (DetailOf): per-Service figures and the nodes it needs.
	Detail *PointDetail
}

// FrontierPoint is one point with its verdicts.
type FrontierPoint struct {
	sweep.PointSummary
	// ParetoLatency and ParetoColdStarts mark the points no other point
	// beats on cost and p99 latency (cold-start rate) together.
	ParetoLatency, ParetoColdStarts bool
	// Fails lists the constraints the point does not meet.
	Fails []string
}

// NewFrontier marks the Pareto-optimal points and picks the point with the
// best objective among those that meet every constraint (the lowest index
// on a tie).
func NewFrontier(s *sweep.Summary, obj Objective, cons []Constraint) *Frontier {
	f := &Frontier{Summary: s, Objective: obj, Constraints: cons, Recommended: -1}
	for _, p := range s.Points {
		fp := FrontierPoint{PointSummary: p}
		for _, c := range cons {
			if !c.holds(p.Mean) {
				fp.Fails = append(fp.Fails, c.Text)
			}
		}
		f.Points = append(f.Points, fp)
	}
	cost := func(m sweep.Metrics) float64 { return m.Cost }
	p99 := func(m sweep.Metrics) float64 { return m.P99Ms }
	cold := func(m sweep.Metrics) float64 { return m.ColdStartRate }
	for i := range f.Points {
		f.Points[i].ParetoLatency = !dominated(f.Points, i, cost, p99)
		f.Points[i].ParetoColdStarts = !dominated(f.Points, i, cost, cold)
	}
	get := frontierMetrics[obj.Metric].get
	meet := 0
	for i, p := range f.Points {
		if len(p.Fails) > 0 {
			continue
		}
		meet++
		if f.Recommended < 0 {
			f.Recommended = i
			continue
		}
		v, best := get(p.Mean), get(f.Points[f.Recommended].Mean)
		if obj.Maximize && v > best || !obj.Maximize && v < best {
			f.Recommended = i
		}
	}
	f.Why = f.explain(meet)
	return f
}

// dominated reports whether another point is at least as good as point i
// on both metrics and better on one.
func dominated(ps []FrontierPoint, i int, x, y func(sweep.Metrics) float64) bool {
	a := ps[i].Mean
	for j, p := range ps {
		b := p.Mean
		if j != i && x(b) <= x(a) && y(b) <= y(a) && (x(b) < x(a) || y(b) < y(a)) {
			return true
		}
	}
	return false
}

func (f *Frontier) explain(meet int) string {
	if len(f.Points) == 0 {
		return "The sweep has no finished points."
	}
	cons := "with no constraint"
	if len(f.Constraints) > 0 {
		var texts []string
		for _, c := range f.Constraints {
			texts = append(texts, "`"+c.Text+"`")
		}
		cons = "meeting " + strings.Join(texts, " and ")
	}
	if f.Recommended < 0 {
		return fmt.Sprintf("No point of %d is %s; relax a constraint or widen the sweep.", len(f.Points), cons)
	}
	p := f.Points[f.Recommended]
	v := frontierMetrics[f.Objective.Metric].get(p.Mean)
	why := fmt.Sprintf("Point %d (%s) has %s, %s, of the %d of %d points %s", p.Index, f.values(p.PointSummary),
		f.Objective, sig(v), meet, len(f.Points), cons)
	var on []string
	if p.ParetoLatency {
		on = append(on, "cost and p99 latency")
	}
	if p.ParetoColdStarts {
		on = append(on, "cost and cold-start rate")
	}
	if len(on) > 0 {
		why += "; no other point beats it on " + strings.Join(on, ", nor on ")
	}
	return why + "."
}

// values lists a point's parameter values, "name=value, ...".
func (f *Frontier) values(p sweep.PointSummary) string {
	parts := make([]string, len(p.Values))
	for i, v := range p.Values {
		parts[i] = f.Summary.Parameters[i].Name + "=" + string(v)
	}
	return strings.Join(parts, ", ")
}
