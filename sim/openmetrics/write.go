package openmetrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/system/metrics"
)

// gauges are the families written from the results' revision samples.
var gauges = []struct {
	family metrics.Family
	value  func(results.Sample) float64
}{
	{metrics.DesiredPods, func(s results.Sample) float64 { return float64(s.Desired) }},
	{metrics.ActualPods, func(s results.Sample) float64 { return float64(s.Ready) }},
	{metrics.PendingPods, func(s results.Sample) float64 { return float64(s.Pending) }},
	{metrics.RevisionConcurrency, func(s results.Sample) float64 { return s.Concurrency }},
	{metrics.RevisionRPS, func(s results.Sample) float64 { return s.RPS }},
}

// requestFamilies pair each request counter with its histogram.
var requestFamilies = []struct{ counter, hist metrics.Family }{
	{metrics.RevisionRequestCount, metrics.RevisionRequestLatencies},
	{metrics.ActivatorRequestCount, metrics.ActivatorRequestLatencies},
}

// Write writes the run as OpenMetrics text: each family's # HELP and
// # TYPE once, its series one after another, each series' points in
// ascending time, and the # EOF terminator. res are the run's results,
// whose revision samples give the pods and load. Knative's counters do
// not end in _total, which OpenMetrics asks of a counter's samples: they
// are typed unknown, so that Prometheus stores the very series names the
// live endpoint gives.
func (e *Export) Write(w io.Writer, res *results.Results) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	bw := bufio.NewWriter(w)
	revs := slices.Clone(res.Revisions)
	slices.SortFunc(revs, func(a, b results.RevisionSeries) int {
		return strings.Compare(a.Namespace+"/"+a.Revision, b.Namespace+"/"+b.Revision)
	})
	for _, g := range gauges {
		if len(revs) == 0 {
			break
		}
		header(bw, g.family, "gauge")
		for _, r := range revs {
			labels := labelSet(g.family.Labels, metrics.ServiceNamer(types.NamespacedName{Namespace: r.Namespace, Name: r.Revision}, r.Service).Values(), "")
			for _, s := range r.Samples {
				point(bw, g.family.Name, labels, g.value(s), e.start.Add(time.Duration(float64(s.T)*float64(time.Second))))
			}
		}
	}
	last := max(e.last, int64(math.Ceil(float64(e.duration)/float64(e.step))))
	for _, f := range requestFamilies {
		series := e.sortedSeries(f.hist)
		if len(series) == 0 {
			continue
		}
		header(bw, f.counter, "unknown")
		for _, s := range series {
			labels := labelSet(f.counter.Labels, s.labels, "")
			e.cumulative(s, last, func(at time.Time, b *bin) {
				point(bw, f.counter.Name, labels, float64(b.count), at)
			})
		}
		header(bw, f.hist, "histogram")
		for _, s := range series {
			e.cumulative(s, last, func(at time.Time, b *bin) {
				var n uint64
				for i, c := range b.buckets {
					n += c
					le := "+Inf"
					if i < len(metrics.LatencyBuckets) {
						le = formatFloat(metrics.LatencyBuckets[i])
					}
					point(bw, f.hist.Name+"_bucket", labelSet(f.hist.Labels, s.labels, le), float64(n), at)
				}
				labels := labelSet(f.hist.Labels, s.labels, "")
				point(bw, f.hist.Name+"_count", labels, float64(b.count), at)
				point(bw, f.hist.Name+"_sum", labels, b.sumMs, at)
			})
		}
	}
	bw.WriteString("# EOF\n")
	return bw.Flush()
}

// cumulative calls f at every step from 1 to last with the series' totals
// up to it (counts and buckets not yet cumulative across buckets).
func (e *Export) cumulative(s *requestSeries, last int64, f func(time.Time, *bin)) {
	total := bin{buckets: make([]uint64, len(metrics.LatencyBuckets)+1)}
	i := 0
	for step := int64(1); step <= last; step++ {
		for ; i < len(s.bins) && s.bins[i].step <= step; i++ {
			b := s.bins[i]
			total.count += b.count
			total.sumMs += b.sumMs
			for j, c := range b.buckets {
				total.buckets[j] += c
			}
		}
		f(e.start.Add(time.Duration(step)*e.step), &total)
	}
}

// header writes a family's # HELP and # TYPE lines.
func header(w *bufio.Writer, f metrics.Family, typ string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", f.Name, escapeHelp(f.Help), f.Name, typ)
}

// labelSet formats {name="value",...}, with le last when given.
func labelSet(names, values []string, le string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n)
		b.WriteString(`="`)
		b.WriteString(escapeValue(values[i]))
		b.WriteByte('"')
	}
	if le != "" {
		b.WriteString(`,le="`)
		b.WriteString(le)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// point writes one sample with its timestamp in seconds.
func point(w *bufio.Writer, name, labels string, v float64, at time.Time) {
	w.WriteString(name)
	w.WriteString(labels)
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	w.WriteByte(' ')
	w.WriteString(strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', -1, 64))
	w.WriteByte('\n')
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var (
	valueEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeValue(v string) string { return valueEscaper.Replace(v) }
func escapeHelp(v string) string  { return helpEscaper.Replace(v) }
