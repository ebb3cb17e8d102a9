package runner

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/scenario"
	"k8s.io/apimachinery/pkg/types"
)

// cost integrates the pods' lives up to at.
func (r *recorder) cost(at time.Duration, inScope scopeFunc, p scenario.Prices) results.Cost {
	var c results.Cost
	for _, key := range r.podOrder {
		pod := r.pods[key]
		if !inScope(r.serviceOf(pod.revision), pod.revision) || pod.created > at {
			continue
		}
		end := at
		if pod.gone >= 0 && pod.gone < at {
			end = pod.gone
		}
		secs := (end - pod.created).Seconds()
		c.PodSeconds += secs
		c.VCPUSeconds += secs * pod.cpu
		c.GiBSeconds += secs * pod.gib
	}
	reqs := 0
	for _, q := range r.requests {
		if t := r.targets[q.target]; q.end <= at && inScope(t.service, t.revision) {
			reqs++
		}
	}
	c.Total = c.VCPUSeconds*p.VCPUSecond + c.GiBSeconds*p.GiBSecond + float64(reqs)*p.Request
	c.PodSeconds, c.VCPUSeconds, c.GiBSeconds, c.Total = round(c.PodSeconds), round(c.VCPUSeconds), round(c.GiBSeconds), round6(c.Total)
	c.IdleGiBSeconds = round(r.idleGiBSeconds(at, inScope))
	return c
}

// idleGiBSeconds integrates, second by second up to at, the memory of each
// revision's Ready pods beyond its mean in-flight requests (see
// results.Cost.IdleGiBSeconds).
func (r *recorder) idleGiBSeconds(at time.Duration, inScope scopeFunc) float64 {
	var sum float64
	for _, rev := range r.revisions() {
		pods := r.podsByRev[rev]
		if len(pods) == 0 || !inScope(r.serviceOf(rev), rev) {
			continue
		}
		gib := pods[0].gib // a revision's pods share one template
		for _, s := range r.series[rev] {
			if s.t > at {
				break
			}
			if idle := float64(s.ready) - s.concurrency; idle > 0 {
				sum += idle * gib
			}
		}
	}
	return sum
}

func round(v float64) float64  { return math.Round(v*1000) / 1000 }
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// summarize fills the results' summaries from the recorder.
func (r *recorder) summarize(res *results.Results, end time.Duration, prices scenario.Prices) {
	all := func(string, types.NamespacedName) bool { return true }
	// Sized up front: a fleet's day has millions of requests.
	lat := make([]time.Duration, 0, len(r.requests))
	q := results.Requests{StatusCodes: map[string]int{}, ByService: map[string]results.ServiceRequests{}}
	perTarget := make([]int, len(r.targets))
	for _, req := range r.requests {
		perTarget[req.target]++
	}
	perService := map[string][]time.Duration{}
	for i, t := range r.targets {
		if t.service != "" {
			perService[t.service] = slices.Grow(perService[t.service], perTarget[i])
		}
	}
	for _, req := range r.requests {
		q.Total++
		q.StatusCodes[strconv.Itoa(int(req.status))]++
		ok := req.status >= 200 && req.status < 300
		if ok {
			q.OK++
		} else {
			q.Errors++
		}
		lat = append(lat, req.latency)
		if svc := r.targets[req.target].service; svc != "" {
			s := q.ByService[svc]
			s.Total++
			if !ok {
				s.Errors++
			}
			q.ByService[svc] = s
			perService[svc] = append(perService[svc], req.latency)
		}
	}
	// The whole run's latencies sort on the other core while the
	// Services' sort here: a fleet's day has millions of each.
	overall := make(chan struct{})
	go func() {
		defer close(overall)
		q.Latency = results.Summarize(lat) // sorts lat
		q.Histogram = results.Histogram(lat, 10)
	}()
	byService := make(map[string]results.Percentiles, len(perService))
	for svc, l := range perService {
		byService[svc] = results.Summarize(l)
	}
	<-overall
	for svc, p := range byService {
		s := q.ByService[svc]
		s.Latency = p
		q.ByService[svc] = s
	}
	if end > 0 {
		q.PerSecond = round(float64(q.Total) / end.Seconds())
	}
	res.Requests = q
	res.Latency = r.latencySeries(end)

	var delays []time.Duration
	for _, c := range r.colds {
		res.ColdStarts.Count++
		res.ColdStarts.Times = append(res.ColdStarts.Times, results.Seconds(c.start.Seconds()))
		if c.done >= 0 {
			delays = append(delays, c.done-c.start)
		}
	}
	res.ColdStarts.Latency = results.Summarize(delays)

	res.Pods.Max = int32(maxPods(r, end, all))
	stride := sampleStride(end)
	for _, rev := range r.revisions() {
		series := r.series[rev]
		rs := results.RevisionSeries{Namespace: rev.Namespace, Service: serviceName(r.serviceOf(rev)), Revision: rev.Name}
		for _, s := range series {
			res.Pods.MaxPending = max(res.Pods.MaxPending, s.pending)
		}
		if n := len(series); n > 0 {
			res.Pods.Final += series[n-1].total
		}
		rs.Samples = thinSeries(series, stride)
		res.Revisions = append(res.Revisions, rs)
	}
	res.Pods.MaxReady = r.maxReady(end)
	res.Pods.UnschedulableSeconds = round(r.unschedulableUntil(end).Seconds())
	res.Cost = r.cost(end, all, prices)
}

// maxReady is the most pods Ready at once.
func (r *recorder) maxReady(end time.Duration) int32 {
	type edge struct {
		t time.Duration
		d int
	}
	var edges []edge
	for _, key := range r.podOrder {
		p := r.pods[key]
		if p.ready < 0 || p.ready > end {
			continue
		}
		edges = append(edges, edge{p.ready, 1})
		if p.gone >= 0 {
			edges = append(edges, edge{p.gone, -1})
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].t != edges[j].t {
			return edges[i].t < edges[j].t
		}
		return edges[i].d < edges[j].d
	})
	n, best := 0, 0
	for _, e := range edges {
		n += e.d
		best = max(best, n)
	}
	return int32(best)
}

// latencySeries buckets latencies by completion into windows (10 s, or
// longer for long runs so a chart has at most ~360 points).
func (r *recorder) latencySeries(end time.Duration) []results.LatencyPoint {
	win := 10 * time.Second
	for end/win > 360 {
		win *= 2
	}
	buckets := map[int][]time.Duration{}
	for _, q := range r.requests {
		if q.status >= 200 && q.status < 300 {
			i := int(q.end / win)
			buckets[i] = append(buckets[i], q.latency)
		}
	}
	var out []results.LatencyPoint
	for i := 0; time.Duration(i)*win < end; i++ {
		p := results.Summarize(buckets[i])
		out = append(out, results.LatencyPoint{T: results.Seconds((time.Duration(i+1) * win).Seconds()), P50: p.P50, P95: p.P95, P99: p.P99, N: len(buckets[i])})
	}
	return out
}

func serviceName(nsName string) string {
	for i := range nsName {
		if nsName[i] == '/' {
			return nsName[i+1:]
		}
	}
	return nsName
}

// maxSamples bounds the samples per revision in results: a day of
// per-second samples over twenty revisions made a 340 MB results file.
const maxSamples = 3600

// sampleStride is how many per-second samples results merge into one:
// 1 for runs up to an hour.
func sampleStride(end time.Duration) int {
	return max(1, int(math.Ceil(end.Seconds()/maxSamples)))
}

// mergeWindow is one thinned sample: the window's last sample with the
// window's mean concurrency and rate, and the activator in the path if it
// was at any second of it.
func mergeWindow(w []results.Sample) results.Sample {
	m := w[len(w)-1]
	var conc, rps float64
	for _, s := range w {
		conc += s.Concurrency
		rps += s.RPS
		m.ActivatorInPath = m.ActivatorInPath || s.ActivatorInPath
	}
	m.Concurrency, m.RPS = round(conc/float64(len(w))), round(rps/float64(len(w)))
	return m
}

// thinSeries converts a revision's per-second series to results samples,
// merging every stride consecutive seconds into one at the last one's time:
// pods as they were then, concurrency and rate averaged over the window,
// the activator in the path if it was at any time in it. It works a window
// at a time, so a day of a fleet's series never exists as results samples
// all at once.
func thinSeries(series []sample, stride int) []results.Sample {
	stride = max(stride, 1)
	out := make([]results.Sample, 0, len(series)/stride+1)
	window := make([]results.Sample, 0, stride)
	for i := 0; i < len(series); i += stride {
		window = window[:0]
		for _, s := range series[i:min(i+stride, len(series))] {
			window = append(window, toResultSample(s))
		}
		if stride == 1 {
			out = append(out, window[0])
			continue
		}
		out = append(out, mergeWindow(window))
	}
	return out
}

// toResultSample is one second of a revision's series as results JSON
// holds it.
func toResultSample(s sample) results.Sample {
	return results.Sample{T: results.Seconds(s.t.Seconds()), Desired: s.desired, Ready: s.ready,
		Pending: s.pending, Concurrency: round(s.concurrency), RPS: round(s.rps), ActivatorInPath: s.activator}
}

// unschedulableUntil is the pod-time spent waiting for a node up to end,
// counting waits still going on at end.
func (r *recorder) unschedulableUntil(end time.Duration) time.Duration {
	total := r.unschedulable
	for _, p := range r.pods {
		if p.unschedSince >= 0 && p.unschedSince < end {
			total += end - p.unschedSince
		}
	}
	return total
}
