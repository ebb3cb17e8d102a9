package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/telemetry"
)

// Requests holds the Serving data plane's series: request counts and
// latencies as the queue-proxy (revision_*) and the activator
// (activator_*) report them, the activator's concurrency per revision, and
// each revision's load over the last second. The Serving shell feeds it
// through Observe (its OnRequest), Second (its OnSecond) and the
// telemetry.Metrics that Reporting wraps.
type Requests struct {
	names                  Namer
	revCount, actCount     *prometheus.CounterVec
	revLatency, actLatency *prometheus.HistogramVec
	actConcurrency         *prometheus.GaugeVec
	concurrency, rps       *prometheus.GaugeVec
}

// NewRequests registers the request families with reg; names labels the
// revisions (ServiceNamer when nil).
func NewRequests(reg prometheus.Registerer, names Namer) (*Requests, error) {
	if reg == nil {
		return nil, errors.New("metrics: NewRequests needs a Registerer")
	}
	if names == nil {
		names = ServiceNamer
	}
	r := &Requests{
		names:          names,
		revCount:       counterVec(RevisionRequestCount),
		actCount:       counterVec(ActivatorRequestCount),
		revLatency:     histogramVec(RevisionRequestLatencies),
		actLatency:     histogramVec(ActivatorRequestLatencies),
		actConcurrency: gaugeVec(ActivatorRequestConcurrency),
		concurrency:    gaugeVec(RevisionConcurrency),
		rps:            gaugeVec(RevisionRPS),
	}
	for _, c := range []prometheus.Collector{r.revCount, r.actCount, r.revLatency, r.actLatency, r.actConcurrency, r.concurrency, r.rps} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func counterVec(f Family) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: f.Name, Help: f.Help}, f.Labels)
}

func gaugeVec(f Family) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: f.Name, Help: f.Help}, f.Labels)
}

func histogramVec(f Family) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: f.Name, Help: f.Help, Buckets: LatencyBuckets}, f.Labels)
}

// RequestSeries says which request series a finished request counts in:
// the queue-proxy's when it reached a pod, the activator's when it went
// through the activator; neither when no revision took it. A record that
// names no pod (the real shell's) reached one unless the data plane
// refused it (502, 503 or 504), and its pod_name is "unknown". The latency is
// in milliseconds, the labels' order is RequestLabels'. The virtual export
// (sim/openmetrics) counts records by the same rule.
func RequestSeries(rec telemetry.Record, names Namer) (queueProxy, activator []string, latencyMs float64) {
	if rec.Revision == "" {
		return nil, nil, 0
	}
	if names == nil {
		names = ServiceNamer
	}
	rev := names(types.NamespacedName{Namespace: rec.Namespace, Name: rec.Revision}, rec.Service).Values()
	code, class := strconv.Itoa(rec.Status), ResponseCodeClass(rec.Status)
	switch {
	case rec.Pod != "":
		queueProxy = append(append([]string{}, rev...), rec.Pod, ContainerQueueProxy, code, class)
	case !refused(rec.Status):
		// The real shell does not say which pod served a request: one the
		// data plane did not refuse reached one.
		queueProxy = append(append([]string{}, rev...), Unknown, ContainerQueueProxy, code, class)
	}
	if rec.Path == telemetry.PathActivator {
		activator = append(append([]string{}, rev...), ActivatorPod, ContainerActivator, code, class)
	}
	return queueProxy, activator, float64(rec.Latency()) / float64(time.Millisecond)
}

// refused reports whether a status is the data plane's own refusal (no
// pod, the activator's bounds or timeout, a proxy error).
func refused(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// Observe counts a finished request (the Serving shell's OnRequest).
func (r *Requests) Observe(rec telemetry.Record) {
	qp, act, ms := RequestSeries(rec, r.names)
	if qp != nil {
		r.revCount.WithLabelValues(qp...).Inc()
		r.revLatency.WithLabelValues(qp...).Observe(ms)
	}
	if act != nil {
		r.actCount.WithLabelValues(act...).Inc()
		r.actLatency.WithLabelValues(act...).Observe(ms)
	}
}

// Second records every revision's load over the last second (the Serving
// shell's OnSecond).
func (r *Requests) Second(_ time.Time, load []telemetry.RevisionSecond) {
	for _, l := range load {
		v := r.names(l.Revision, l.Service).Values()
		r.concurrency.WithLabelValues(v...).Set(l.Concurrency)
		r.rps.WithLabelValues(v...).Set(l.RPS)
	}
}

// Reporting returns a telemetry.Metrics that records the activator's
// concurrency of each revision from the stats the shell reports, then
// hands everything to inner unchanged. It is a CPUMetrics and a
// PodMetrics exactly when inner is, so the shell treats it as it would
// inner.
func (r *Requests) Reporting(inner telemetry.Metrics) telemetry.Metrics {
	rep := reporter{inner: inner, r: r}
	cpu, isCPU := inner.(telemetry.CPUMetrics)
	pods, isPods := inner.(telemetry.PodMetrics)
	switch {
	case isCPU && isPods:
		return struct {
			reporter
			telemetry.CPUMetrics
			telemetry.PodMetrics
		}{rep, cpu, pods}
	case isCPU:
		return struct {
			reporter
			telemetry.CPUMetrics
		}{rep, cpu}
	case isPods:
		return struct {
			reporter
			telemetry.PodMetrics
		}{rep, pods}
	}
	return rep
}

// reporter is Reporting's telemetry.Metrics.
type reporter struct {
	inner telemetry.Metrics
	r     *Requests
}

func (p reporter) Report(now time.Time, rev types.NamespacedName, pods []queue.Stat, act queue.Stat) {
	v := append(p.r.names(rev, "").Values(), ActivatorPod, ContainerActivator)
	p.r.actConcurrency.WithLabelValues(v...).Set(act.AverageConcurrency)
	p.inner.Report(now, rev, pods, act)
}

func (p reporter) Poke(now time.Time, rev types.NamespacedName) { p.inner.Poke(now, rev) }
