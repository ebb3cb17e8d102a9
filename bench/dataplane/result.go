package dataplanebench

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Measurement is one path's merged samples.
type Measurement struct {
	Path Path
	// Requests is every request sent; Errors failed without a response,
	// Non200 got another status.
	Requests, Errors, Non200 int
	// RPS is the responses per second hey saw.
	RPS float64
	// Latency percentiles of the successful requests, as hey measures
	// them (request built to body read).
	P50, P90, P99, Max time.Duration
	// CPUPerRequest is the process's CPU time per request, hey included.
	CPUPerRequest time.Duration

	lats    []float64
	elapsed time.Duration
	cpu     time.Duration
}

func (m *Measurement) add(s sample) {
	m.lats = append(m.lats, s.lats...)
	for _, c := range s.codes {
		if c != http.StatusOK {
			m.Non200++
		}
	}
	m.Requests += s.requests
	m.Errors += s.errors
	m.elapsed += s.elapsed
	m.cpu += s.cpu
}

func (m *Measurement) summarize() {
	slices.Sort(m.lats)
	m.P50, m.P90, m.P99 = percentile(m.lats, 50), percentile(m.lats, 90), percentile(m.lats, 99)
	m.Max = percentile(m.lats, 100)
	if m.elapsed > 0 {
		m.RPS = float64(m.Requests) / m.elapsed.Seconds()
	}
	if m.Requests > 0 {
		m.CPUPerRequest = m.cpu / time.Duration(m.Requests)
	}
}

// percentile is the nearest-rank percentile of sorted seconds.
func percentile(sorted []float64, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := max(0, int(math.Ceil(p/100*float64(len(sorted))))-1)
	return time.Duration(sorted[i] * float64(time.Second))
}

// Result is one Run: the options and each path's measurement, the
// baseline first.
type Result struct {
	Options Options
	// GC describes the collector setting in force during the run.
	GC           string
	Measurements []Measurement
}

// Get returns a path's measurement.
func (r *Result) Get(p Path) Measurement {
	for _, m := range r.Measurements {
		if m.Path == p {
			return m
		}
	}
	return Measurement{Path: p}
}

// AddedP50 and AddedP99 are a path's latency over direct's at that
// percentile.
func (r *Result) AddedP50(p Path) time.Duration { return r.Get(p).P50 - r.Get(Direct).P50 }

// AddedP99 is the path's p99 latency minus direct's.
func (r *Result) AddedP99(p Path) time.Duration { return r.Get(p).P99 - r.Get(Direct).P99 }

// ThroughputRatio is the path's responses per second over direct's.
func (r *Result) ThroughputRatio(p Path) float64 {
	if d := r.Get(Direct).RPS; d > 0 {
		return r.Get(p).RPS / d
	}
	return 0
}

// Table renders the result as a Markdown table.
func (r *Result) Table() string {
	o := r.Options
	var b strings.Builder
	arrivals := "evenly spread"
	if o.Burst {
		arrivals = fmt.Sprintf("in bursts of %d", o.Concurrency)
	}
	fmt.Fprintf(&b, "knsim loopback data plane: %d RPS (hey, %d workers x %.0f QPS, arrivals %s), %s container, %s x %d per path, GC: %s\n\n",
		o.RPS, o.Concurrency, float64(o.RPS)/float64(o.Concurrency), arrivals, o.ServiceTime, o.Duration, o.Rounds, r.GC)
	b.WriteString("| path | requests | non-200 | errors | RPS | p50 | p90 | p99 | max | +p50 | +p99 | RPS ratio | CPU/req |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, m := range r.Measurements {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.0f | %s | %s | %s | %s | %s | %s | %.3f | %s |\n",
			m.Path, m.Requests, m.Non200, m.Errors, m.RPS, ms(m.P50), ms(m.P90), ms(m.P99), ms(m.Max),
			ms(r.AddedP50(m.Path)), ms(r.AddedP99(m.Path)), r.ThroughputRatio(m.Path), us(m.CPUPerRequest))
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond)) }
