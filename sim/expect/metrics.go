package expect

import (
	"regexp"
	"slices"
	"strings"
)

// Kind is the type of a metric's values.
type Kind string

// The metric kinds.
const (
	// NumberKind is a plain number: a count, a rate, a fraction, money.
	NumberKind Kind = "number"
	// DurationKind is a length of time; Value.Number holds seconds.
	DurationKind Kind = "duration"
)

// Metric describes one metric the language knows.
type Metric struct {
	// Name is the dotted name, e.g. "latency.p99". "status.<code>" stands for
	// status.200, status.503, status.5xx and so on.
	Name string
	// Kind is the type of the metric's values.
	Kind Kind
	// Unit names what a number counts, e.g. "pods" or "req/s".
	Unit string
	// Help says what the runner measures.
	Help string
}

// StatusMetric is the pattern entry of KnownMetrics for HTTP status codes.
const StatusMetric = "status.<code>"

// ReadyStageMetric is the pattern entry of KnownMetrics for the stages of
// the Service-ready breakdown: ready.revision.p95, ready.route.max, and so
// on, each the time from a Service's creation to the stage.
const ReadyStageMetric = "ready.<stage>.<stat>"

// readyStageName matches the names ReadyStageMetric stands for. The stages
// are sim/results.ReadyStages but the last (ready.p95 and the like are the
// Service's own Ready); the runner's tests check the two lists agree.
var readyStageName = regexp.MustCompile(`^ready\.(configuration|revision|deployment|scheduled|started|autoscaler|sks|route)\.(p50|p90|p95|p99|max|mean)$`)

// isPattern reports whether a KnownMetrics entry stands for a family of
// names rather than being one.
func isPattern(name string) bool { return strings.Contains(name, "<") }

// statusName matches the names StatusMetric stands for: a code from 100 to
// 599 or a class such as 5xx.
var statusName = regexp.MustCompile(`^status\.([1-5][0-9][0-9]|[1-5]xx)$`)

// KnownMetrics lists every metric an expectation may name. The runner
// implements the lookups; Parse rejects any other name.
var KnownMetrics = []Metric{
	{"pods.max", NumberKind, "pods", "most pods that existed at once, in any phase"},
	{"pods.mean", NumberKind, "pods", "time-weighted mean number of pods"},
	{"pods.ready", NumberKind, "pods", "Ready pods at the instant (the end of the run, or at(t))"},
	{"pods.desired", NumberKind, "pods", "the autoscaler's desired scale at the instant"},
	{"pods.pending", NumberKind, "pods", "pods created but not yet Ready at the instant"},

	{"latency.p50", DurationKind, "", "median request latency seen by the clients"},
	{"latency.p90", DurationKind, "", "90th percentile request latency"},
	{"latency.p95", DurationKind, "", "95th percentile request latency"},
	{"latency.p99", DurationKind, "", "99th percentile request latency"},
	{"latency.p999", DurationKind, "", "99.9th percentile request latency"},
	{"latency.max", DurationKind, "", "slowest request"},
	{"latency.mean", DurationKind, "", "mean request latency"},

	{"requests.total", NumberKind, "requests", "requests completed, successfully or not"},
	{"requests.ok", NumberKind, "requests", "requests answered with a 2xx status"},
	{"requests.errors", NumberKind, "requests", "requests that got any other status, timed out or failed to connect"},
	{"requests.rate", NumberKind, "req/s", "completed requests per second, averaged over the run (or [0, t])"},
	{"requests.error_rate", NumberKind, "fraction", "requests.errors / requests.total (0 when no requests)"},
	{StatusMetric, NumberKind, "requests", "responses with this HTTP status code (status.503) or class (status.5xx)"},

	{"coldstarts.count", NumberKind, "cold starts", "times a request found its revision without a ready pod and waited for one to start"},
	{"coldstarts.requests", NumberKind, "requests", "requests that waited for a cold start"},
	{"coldstarts.p50", DurationKind, "", "median cold-start delay: first waiting request's arrival to first pod Ready"},
	{"coldstarts.p90", DurationKind, "", "90th percentile cold-start delay"},
	{"coldstarts.p99", DurationKind, "", "99th percentile cold-start delay"},
	{"coldstarts.max", DurationKind, "", "longest cold-start delay"},
	{"coldstarts.mean", DurationKind, "", "mean cold-start delay"},

	{"cost.total", NumberKind, "money", "vcpu_seconds, gib_seconds and requests priced with the scenario's prices"},
	{"cost.vcpu_seconds", NumberKind, "vCPU·s", "CPU requested by running pods, integrated over time"},
	{"cost.gib_seconds", NumberKind, "GiB·s", "memory requested by running pods, integrated over time"},
	{"cost.pod_seconds", NumberKind, "pod·s", "pods that existed, integrated over time"},
	{"cost.idle_gib_seconds", NumberKind, "GiB·s", "memory of Ready pods not serving a request (Ready pods less mean in-flight requests), integrated over time"},

	{"events.produced", NumberKind, "events", "events emitted by sources and event workloads"},
	{"events.accepted", NumberKind, "events", "events accepted by a broker or channel ingress"},
	{"events.delivered", NumberKind, "events", "events a subscriber acknowledged (first delivery of each)"},
	{"events.duplicates", NumberKind, "events", "deliveries of an event beyond its first"},
	{"events.retries", NumberKind, "attempts", "redelivery attempts after a failed delivery"},
	{"events.deadlettered", NumberKind, "events", "events sent to a dead-letter sink"},
	{"events.dropped", NumberKind, "events", "events given up on with no dead-letter sink"},
	{"events.lost", NumberKind, "events", "accepted events never delivered, dead-lettered nor dropped"},

	{"activator.inpath", NumberKind, "requests", "requests that passed through the activator"},

	{"ready.services", NumberKind, "services", "Knative Services created during the run (or by t)"},
	{"ready.count", NumberKind, "services", "of those, Services that turned Ready"},
	{"ready.share", NumberKind, "fraction", "ready.count / ready.services (0 when no Services)"},
	{"ready.p50", DurationKind, "", "median time from a Service's creation to Ready"},
	{"ready.p90", DurationKind, "", "90th percentile time from creation to Ready"},
	{"ready.p95", DurationKind, "", "95th percentile time from creation to Ready"},
	{"ready.p99", DurationKind, "", "99th percentile time from creation to Ready"},
	{"ready.max", DurationKind, "", "longest time from creation to Ready"},
	{"ready.mean", DurationKind, "", "mean time from creation to Ready"},
	{ReadyStageMetric, DurationKind, "", "time from a Service's creation to a stage of its way to Ready (configuration, revision, deployment, scheduled, started, autoscaler, sks, route); stat is p50, p90, p95, p99, max or mean"},
}

// LookupMetric finds the metric called name, e.g. "latency.p99" or
// "status.503".
func LookupMetric(name string) (Metric, bool) {
	if statusName.MatchString(name) {
		m := KnownMetrics[slices.IndexFunc(KnownMetrics, func(m Metric) bool { return m.Name == StatusMetric })]
		m.Name = name
		return m, true
	}
	if readyStageName.MatchString(name) {
		m := KnownMetrics[slices.IndexFunc(KnownMetrics, func(m Metric) bool { return m.Name == ReadyStageMetric })]
		m.Name = name
		return m, true
	}
	for _, m := range KnownMetrics {
		if m.Name == name && !isPattern(m.Name) {
			return m, true
		}
	}
	return Metric{}, false
}

// suggestMetric returns the known metric closest to name, or "".
func suggestMetric(name string) string {
	if strings.HasPrefix(name, "status.") {
		return "status.503"
	}
	best, bestD := "", (len(name)+2)/3+1
	for _, m := range KnownMetrics {
		if isPattern(m.Name) {
			continue
		}
		if d := editDistance(name, m.Name); d < bestD {
			best, bestD = m.Name, d
		}
	}
	if best == "" {
		// A right family with a wrong member: suggest the family's first.
		family, _, _ := strings.Cut(name, ".")
		for _, m := range KnownMetrics {
			if f, _, _ := strings.Cut(m.Name, "."); f == family && !isPattern(m.Name) {
				return m.Name
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
