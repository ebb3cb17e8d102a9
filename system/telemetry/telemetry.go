package telemetry

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/queue"
)

// Metrics receives what queue-proxies and the activator report.
type Metrics interface {
	// Report is one second of a revision's stats: each ready or draining
	// pod's queue-proxy, and the activator's.
	Report(now time.Time, rev types.NamespacedName, pods []queue.Stat, activator queue.Stat)
	// Poke asks for a scale from zero now.
	Poke(now time.Time, rev types.NamespacedName)
}

// CPUMetrics is implemented by a Metrics that also takes the pods' CPU use,
// the metric of the HPA class, as the kubelet would expose it to the
// metrics server.
type CPUMetrics interface {
	// ReportCPU is one second of a revision's ready pods' CPU use, by pod
	// name, sorted.
	ReportCPU(now time.Time, rev types.NamespacedName, pods []hpa.Usage)
}

// PodMetrics is implemented by a Metrics that also takes each revision's
// per-instance view (in-flight requests and idleness of every ready pod,
// requests waiting at the activator), which per-request scaling policies
// decide from.
type PodMetrics interface {
	// ObservesPods reports whether rev's decider wants ObservePods calls,
	// so that shells build observations only for those revisions.
	ObservesPods(rev types.NamespacedName) bool
	// ObservePods is the revision's state at now: every second, and
	// whenever a request starts waiting at the activator.
	ObservePods(now time.Time, rev types.NamespacedName, o policy.Observation)
}

// Path is the route a request took.
type Path string

const (
	// PathDirect went gateway -> queue-proxy -> container.
	PathDirect Path = "gateway>queue-proxy"
	// PathActivator went gateway -> activator -> queue-proxy -> container.
	PathActivator Path = "gateway>activator>queue-proxy"
	// PathGateway ended at the gateway (unknown host, no revision).
	PathGateway Path = "gateway"
)

// Record describes one finished request.
type Record struct {
	Start, End time.Time
	Host       string
	Namespace  string
	Service    string
	Revision   string
	Pod        string
	Status     int
	ColdStart  bool
	Path       Path
	// AppStart and AppEnd are when the user container started and finished
	// working on the request (zero when it never reached one).
	AppStart, AppEnd time.Time
}

// Latency is End - Start.
func (r Record) Latency() time.Duration { return r.End.Sub(r.Start) }

// RevisionSecond is a revision's load over one second.
type RevisionSecond struct {
	Revision        types.NamespacedName
	Service         string
	Concurrency     float64
	RPS             float64
	ActivatorInPath bool
	ReadyPods       int
}
