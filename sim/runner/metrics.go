package runner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/eventplane"
	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/scenario"
)

// scopeFunc reports whether the data of a service ("namespace/name", "" for
// requests no Route took) and revision is in an expectation's scope.
type scopeFunc func(service string, rev types.NamespacedName) bool

// matches reports whether a scope argument ("name" or "namespace/name")
// names key ("namespace/name"); an empty argument matches everything.
func matches(arg, key string) bool {
	return arg == "" || key == arg || strings.HasSuffix(key, "/"+arg)
}

// lookup implements expect.Results over a finished run.
type lookup struct {
	r      *recorder
	end    time.Duration
	prices scenario.Prices
	events *results.Events
	// eventRecords and start answer events.* metrics with at() or
	// service() scopes (events.go).
	eventRecords []eventplane.Record
	start        time.Time
	// ready answers ready.* metrics (readiness.go) when readyRecorded.
	ready         []results.StageTimes
	readyRecorded bool
}

// Metric implements expect.Results.
func (l *lookup) Metric(name string, scope expect.Scope) (expect.Value, error) {
	at := l.end
	if scope.At != nil {
		at = *scope.At
	}
	inScope := func(service string, rev types.NamespacedName) bool {
		return matches(scope.Service, service) && (scope.Revision == "" || matches(scope.Revision, rev.String()))
	}
	switch {
	case strings.HasPrefix(name, "pods."):
		return l.pods(name, at, inScope)
	case strings.HasPrefix(name, "latency.") || strings.HasPrefix(name, "requests.") || strings.HasPrefix(name, "status."):
		return l.requests(name, at, inScope)
	case strings.HasPrefix(name, "coldstarts."):
		return l.coldStarts(name, at, inScope)
	case strings.HasPrefix(name, "cost."):
		c := l.r.cost(at, inScope, l.prices)
		switch name {
		case "cost.total":
			return expect.Num(c.Total), nil
		case "cost.vcpu_seconds":
			return expect.Num(c.VCPUSeconds), nil
		case "cost.gib_seconds":
			return expect.Num(c.GiBSeconds), nil
		case "cost.pod_seconds":
			return expect.Num(c.PodSeconds), nil
		case "cost.idle_gib_seconds":
			return expect.Num(c.IdleGiBSeconds), nil
		}
	case strings.HasPrefix(name, "events."):
		if scope.Revision != "" {
			return expect.Value{}, fmt.Errorf("%s takes no revision() scope: events are counted per Service", name)
		}
		if scope.At != nil || scope.Service != "" {
			return eventMetricScoped(l.eventRecords, l.start, name, at, scope.Service)
		}
		return l.eventMetric(name)
	case strings.HasPrefix(name, "ready."):
		return l.readyMetric(name, scope, at)
	case name == "activator.inpath":
		n := 0
		for _, q := range l.r.requests {
			if t := l.r.targets[q.target]; q.end <= at && q.viaAct && inScope(t.service, t.revision) {
				n++
			}
		}
		return expect.Num(float64(n)), nil
	}
	return expect.Value{}, fmt.Errorf("metric %q is not recorded by this run", name)
}

func (l *lookup) pods(name string, at time.Duration, inScope scopeFunc) (expect.Value, error) {
	var max, ready, pending, desired, total float64
	var area float64
	found := false
	for _, rev := range l.r.revisions() {
		if !inScope(l.r.services[rev], rev) {
			continue
		}
		series := l.r.series[rev]
		var last *sample
		prev := time.Duration(0)
		for i := range series {
			s := &series[i]
			if s.t > at {
				break
			}
			last = s
			area += float64(s.total) * (s.t - prev).Seconds()
			prev = s.t
		}
		if last != nil {
			found = true
			ready += float64(last.ready)
			pending += float64(last.pending)
			desired += float64(last.desired)
			total += float64(last.total)
		}
	}
	// pods.max is over all pods at once, so it is computed from pod lives.
	max = float64(maxPods(l.r, at, inScope))
	if !found && name != "pods.max" {
		return expect.Value{}, expect.ErrNoData
	}
	switch name {
	case "pods.max":
		return expect.Num(max), nil
	case "pods.ready":
		return expect.Num(ready), nil
	case "pods.pending":
		return expect.Num(pending), nil
	case "pods.desired":
		return expect.Num(desired), nil
	case "pods.mean":
		if at <= 0 {
			return expect.Num(total), nil
		}
		return expect.Num(area / at.Seconds()), nil
	}
	return expect.Value{}, fmt.Errorf("metric %q is not recorded by this run", name)
}

// maxPods is the largest number of pods that existed at once up to at.
func maxPods(r *recorder, at time.Duration, inScope scopeFunc) int {
	type edge struct {
		t     time.Duration
		delta int
	}
	var edges []edge
	for _, key := range r.podOrder {
		p := r.pods[key]
		if p.created > at || !inScope(r.serviceOf(p.revision), p.revision) {
			continue
		}
		edges = append(edges, edge{p.created, 1})
		if p.gone >= 0 && p.gone <= at {
			edges = append(edges, edge{p.gone, -1})
		}
	}
	sortEdges := func(a, b edge) int {
		if a.t != b.t {
			return int(a.t - b.t)
		}
		return b.delta - a.delta // count arrivals before departures at the same instant
	}
	slices.SortFunc(edges, sortEdges)
	n, best := 0, 0
	for _, e := range edges {
		n += e.delta
		best = max(best, n)
	}
	return best
}

func (l *lookup) requests(name string, at time.Duration, inScope scopeFunc) (expect.Value, error) {
	var lat []time.Duration
	total, ok, errs := 0, 0, 0
	codes := map[int]int{}
	for _, q := range l.r.requests {
		// Requests no Route took (404s) count towards every service scope.
		t := l.r.targets[q.target]
		if q.end > at || !inScope(t.service, t.revision) && (t.service != "" || t.revision.Name != "") {
			continue
		}
		total++
		codes[int(q.status)]++
		if q.status >= 200 && q.status < 300 {
			ok++
		} else {
			errs++
		}
		lat = append(lat, q.latency)
	}
	if strings.HasPrefix(name, "status.") {
		code := strings.TrimPrefix(name, "status.")
		n := 0
		for c, cnt := range codes {
			s := strconv.Itoa(c)
			if s == code || len(code) == 3 && code[1:] == "xx" && s[0] == code[0] {
				n += cnt
			}
		}
		return expect.Num(float64(n)), nil
	}
	switch name {
	case "requests.total":
		return expect.Num(float64(total)), nil
	case "requests.ok":
		return expect.Num(float64(ok)), nil
	case "requests.errors":
		return expect.Num(float64(errs)), nil
	case "requests.rate":
		if at <= 0 {
			return expect.Num(0), nil
		}
		return expect.Num(float64(total) / at.Seconds()), nil
	case "requests.error_rate":
		if total == 0 {
			return expect.Num(0), nil
		}
		return expect.Num(float64(errs) / float64(total)), nil
	}
	if len(lat) == 0 {
		return expect.Value{}, expect.ErrNoData
	}
	return durationMetric(strings.TrimPrefix(name, "latency."), lat)
}

func (l *lookup) coldStarts(name string, at time.Duration, inScope scopeFunc) (expect.Value, error) {
	var delays []time.Duration
	count, reqs := 0, 0
	for _, c := range l.r.colds {
		if c.start > at || !inScope(l.r.serviceOf(c.revision), c.revision) {
			continue
		}
		count++
		reqs += c.requests
		if c.done >= 0 {
			delays = append(delays, c.done-c.start)
		}
	}
	switch name {
	case "coldstarts.count":
		return expect.Num(float64(count)), nil
	case "coldstarts.requests":
		return expect.Num(float64(reqs)), nil
	}
	if len(delays) == 0 {
		return expect.Value{}, expect.ErrNoData
	}
	return durationMetric(strings.TrimPrefix(name, "coldstarts."), delays)
}

func durationMetric(stat string, d []time.Duration) (expect.Value, error) {
	p := results.Summarize(d)
	ms := map[string]float64{"p50": p.P50, "p90": p.P90, "p95": p.P95, "p99": p.P99, "max": p.Max, "mean": p.Mean}
	if stat == "p999" {
		return expect.Dur(d[min(len(d)-1, int(float64(len(d))*0.999))]), nil
	}
	v, ok := ms[stat]
	if !ok {
		return expect.Value{}, fmt.Errorf("unknown statistic %q", stat)
	}
	return expect.Dur(time.Duration(v * float64(time.Millisecond))), nil
}

func (l *lookup) eventMetric(name string) (expect.Value, error) {
	e := l.events
	if e == nil {
		return expect.Num(0), nil
	}
	v := map[string]int{
		"events.produced": e.Produced, "events.accepted": e.Accepted, "events.delivered": e.Delivered,
		"events.duplicates": e.Duplicates, "events.retries": e.Retries, "events.deadlettered": e.DeadLettered,
		"events.dropped": e.DroppedTTL, "events.lost": e.Lost, // filtered events are not dropped
	}
	n, ok := v[name]
	if !ok {
		return expect.Value{}, fmt.Errorf("metric %q is not recorded by this run", name)
	}
	return expect.Num(float64(n)), nil
}

func (r *recorder) serviceOf(rev types.NamespacedName) string {
	if s, ok := r.services[rev]; ok {
		return s
	}
	return rev.Namespace + "/" + rev.Name
}
