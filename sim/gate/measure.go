package gate

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/knsim/knsim/sim/results"
)

// Probe is the expectation the gate adds to a scenario to have the runner
// measure m: the runner's own metric lookup (sim/expect's metrics over the
// whole run, with every scope) evaluates it, and its observed value is read
// back from the results. It always holds for the non-negative metrics the
// language has, so it never fails a run.
func Probe(m Metric) string { return m.Name() + " >= 0" }

// Value reads metric m from a run's results: from the outcome of its probe
// when the run had one, else from the run's summary for the metrics the
// summary holds (unscoped, or service-scoped latency and request counts).
// ok is false when the run has no data for m. Durations are in seconds.
func Value(r *results.Results, m Metric) (v float64, ok bool, err error) {
	probe := Probe(m)
	for _, o := range r.Expectations {
		if o.Expr == probe {
			return parseObserved(m, o.Observed)
		}
	}
	return summaryValue(r, m)
}

// parseObserved reads "name = value (want >= 0)".
func parseObserved(m Metric, obs string) (float64, bool, error) {
	rest, found := strings.CutPrefix(obs, m.Name()+" = ")
	val, _, found2 := strings.Cut(rest, " (want")
	if !found || !found2 {
		return 0, false, fmt.Errorf("%s: cannot read the observed value %q", m.Name(), obs)
	}
	if val == "no data" {
		return 0, false, nil
	}
	if m.Kind == "duration" {
		d, err := time.ParseDuration(val)
		if err != nil {
			return 0, false, fmt.Errorf("%s: observed %q is not a duration", m.Name(), val)
		}
		return d.Seconds(), true, nil
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s: observed %q is not a number", m.Name(), val)
	}
	return f, true, nil
}

// summaryValue answers m from the summary of results written without the
// gate's probes (knsim run's own results JSON).
func summaryValue(r *results.Results, m Metric) (float64, bool, error) {
	s := m.Ref.Scope
	notHeld := fmt.Errorf("%s is not in the results of %s: results written by knsim gate (--out) hold every metric; knsim run's hold only whole-run summaries", m.Name(), r.Scenario.Name)
	if s.At != nil || s.Revision != "" {
		return 0, false, notHeld
	}
	lat := r.Requests.Latency
	total, errs := r.Requests.Total, r.Requests.Errors
	if s.Service != "" {
		key := s.Service
		if !strings.Contains(key, "/") {
			key = "default/" + key
		}
		sr, ok := r.Requests.ByService[key]
		if !ok {
			sr, ok = r.Requests.ByService[s.Service]
		}
		if !ok {
			return 0, false, nil
		}
		lat, total, errs = sr.Latency, sr.Total, sr.Errors
	}
	ms := func(v float64) (float64, bool, error) { return v / 1000, total > 0, nil }
	switch m.Ref.Metric {
	case "latency.p50":
		return ms(lat.P50)
	case "latency.p90":
		return ms(lat.P90)
	case "latency.p95":
		return ms(lat.P95)
	case "latency.p99":
		return ms(lat.P99)
	case "latency.max":
		return ms(lat.Max)
	case "latency.mean":
		return ms(lat.Mean)
	case "requests.total":
		return float64(total), true, nil
	case "requests.errors":
		return float64(errs), true, nil
	case "requests.error_rate":
		if total == 0 {
			return 0, true, nil
		}
		return float64(errs) / float64(total), true, nil
	}
	if s.Service != "" {
		return 0, false, notHeld
	}
	cs := r.ColdStarts
	csv := func(v float64) (float64, bool, error) { return v / 1000, cs.Count > 0, nil }
	switch m.Ref.Metric {
	case "requests.ok":
		return float64(r.Requests.OK), true, nil
	case "requests.rate":
		return r.Requests.PerSecond, true, nil
	case "coldstarts.count":
		return float64(cs.Count), true, nil
	case "coldstarts.p50":
		return csv(cs.Latency.P50)
	case "coldstarts.p90":
		return csv(cs.Latency.P90)
	case "coldstarts.p99":
		return csv(cs.Latency.P99)
	case "coldstarts.max":
		return csv(cs.Latency.Max)
	case "coldstarts.mean":
		return csv(cs.Latency.Mean)
	case "pods.max":
		return float64(r.Pods.Max), true, nil
	case "cost.total":
		return r.Cost.Total, true, nil
	case "cost.pod_seconds":
		return r.Cost.PodSeconds, true, nil
	case "cost.vcpu_seconds":
		return r.Cost.VCPUSeconds, true, nil
	case "cost.gib_seconds":
		return r.Cost.GiBSeconds, true, nil
	}
	if e := r.Events; e != nil {
		switch m.Ref.Metric {
		case "events.produced":
			return float64(e.Produced), true, nil
		case "events.accepted":
			return float64(e.Accepted), true, nil
		case "events.delivered":
			return float64(e.Delivered), true, nil
		case "events.duplicates":
			return float64(e.Duplicates), true, nil
		case "events.retries":
			return float64(e.Retries), true, nil
		case "events.deadlettered":
			return float64(e.DeadLettered), true, nil
		case "events.lost":
			return float64(e.Lost), true, nil
		}
	}
	return 0, false, notHeld
}
