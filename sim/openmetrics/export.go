package openmetrics

import (
	"errors"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/knsim/knsim/system/metrics"
	"github.com/knsim/knsim/system/telemetry"
)

// maxPoints bounds the points of a series, as results bound their
// samples: past an hour, a point stands for several seconds.
const maxPoints = 3600

// Export collects a virtual run's request records and writes them, with
// the run's results, as OpenMetrics text (Write).
type Export struct {
	start    time.Time
	duration time.Duration
	step     time.Duration

	mu     sync.Mutex
	series map[string]*requestSeries // by family and label values
	last   int64                     // the latest step a record fell in
}

// requestSeries is one label set of a request family: its records binned
// by step.
type requestSeries struct {
	family metrics.Family
	labels []string
	bins   []bin // by step, ascending
}

// bin holds the records of one step: their count, latency sum and count
// per bucket (the last one past every bound, +Inf).
type bin struct {
	step    int64
	count   uint64
	sumMs   float64
	buckets []uint64
}

// New returns an Export of a run starting at start (the engine's virtual
// epoch) for duration, with a point every second, or every
// ceil(duration/3600) seconds past an hour as results merge their
// samples.
func New(start time.Time, duration time.Duration) (*Export, error) {
	if duration <= 0 {
		return nil, errors.New("openmetrics: the run's duration must be positive")
	}
	stride := max(1, int64(math.Ceil(duration.Seconds()/maxPoints)))
	return &Export{start: start, duration: duration, step: time.Duration(stride) * time.Second, series: map[string]*requestSeries{}}, nil
}

// OnRequest counts a finished request in the series system/metrics puts
// it in (the queue-proxy's, the activator's, or none). It is safe for
// concurrent use; records arrive in the order they end.
func (e *Export) OnRequest(rec telemetry.Record) {
	qp, act, ms := metrics.RequestSeries(rec, metrics.ServiceNamer)
	step := e.stepOf(rec.End)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.last = max(e.last, step)
	if qp != nil {
		e.add(metrics.RevisionRequestLatencies, qp, step, ms)
	}
	if act != nil {
		e.add(metrics.ActivatorRequestLatencies, act, step, ms)
	}
}

// stepOf is the first point at or after t: a point counts the requests
// that ended by its time.
func (e *Export) stepOf(t time.Time) int64 {
	d := t.Sub(e.start)
	if d <= 0 {
		return 0
	}
	n := int64(d / e.step)
	if time.Duration(n)*e.step < d {
		n++
	}
	return n
}

// add counts a record in the histogram family's series of labels; the
// family's counter (request_count) is written from the same bins.
func (e *Export) add(hist metrics.Family, labels []string, step int64, ms float64) {
	key := hist.Name + "\x00" + strings.Join(labels, "\x00")
	s := e.series[key]
	if s == nil {
		s = &requestSeries{family: hist, labels: labels}
		e.series[key] = s
	}
	if n := len(s.bins); n == 0 || s.bins[n-1].step < step {
		s.bins = append(s.bins, bin{step: step, buckets: make([]uint64, len(metrics.LatencyBuckets)+1)})
	} else if s.bins[n-1].step > step {
		// Records end in order; one that does not is counted where the
		// series already is, which keeps every series ascending.
		step = s.bins[n-1].step
	}
	b := &s.bins[len(s.bins)-1]
	b.count++
	b.sumMs += ms
	b.buckets[sort.SearchFloat64s(metrics.LatencyBuckets, ms)]++
}

// sortedSeries returns the series of the histogram family, by labels.
func (e *Export) sortedSeries(hist metrics.Family) []*requestSeries {
	var out []*requestSeries
	for _, s := range e.series {
		if s.family.Name == hist.Name {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.Join(out[i].labels, "\x00") < strings.Join(out[j].labels, "\x00")
	})
	return out
}
