package metrics

import (
	"strconv"
)

// Knative's label names (knative.dev/serving pkg/metrics/key.go).
const (
	LabelNamespace         = "namespace_name"
	LabelService           = "service_name"
	LabelConfiguration     = "configuration_name"
	LabelRevision          = "revision_name"
	LabelPod               = "pod_name"
	LabelContainer         = "container_name"
	LabelResponseCode      = "response_code"
	LabelResponseCodeClass = "response_code_class"
)

// Unknown is the value Knative gives a label it cannot fill (a revision
// no Service owns has service_name "unknown").
const Unknown = "unknown"

// Containers named in the container_name label: the queue-proxy reports
// revision_* metrics, the activator activator_* ones.
const (
	ContainerQueueProxy = "queue-proxy"
	ContainerActivator  = "activator"
	// ActivatorPod is the pod_name of the activator's series: knsim runs
	// one activator.
	ActivatorPod = "activator"
)

// Type is a family's Prometheus type.
type Type string

// The types the families use.
const (
	Counter   Type = "counter"
	Gauge     Type = "gauge"
	Histogram Type = "histogram"
)

// Family is one metric family: its name, help text, type and label names
// in the order series carry them.
type Family struct {
	Name, Help string
	Type       Type
	Labels     []string
}

// RevisionLabels are the labels of a revision's series
// (knative.dev/serving pkg/metrics CommonRevisionKeys).
var RevisionLabels = []string{LabelNamespace, LabelService, LabelConfiguration, LabelRevision}

// RequestLabels are the labels of request counts and latencies: the
// revision's, the pod and container reporting, and the response code.
var RequestLabels = append(append([]string{}, RevisionLabels...), LabelPod, LabelContainer, LabelResponseCode, LabelResponseCodeClass)

// PodLabels are the labels of the activator's per-revision concurrency.
var PodLabels = append(append([]string{}, RevisionLabels...), LabelPod, LabelContainer)

// The families, named as Knative exports them (sources in
// docs/metrics.md), plus knsim's per-second load of a revision.
var (
	DesiredPods              = Family{"autoscaler_desired_pods", "Number of pods autoscaler wants to allocate", Gauge, RevisionLabels}
	RequestedPods            = Family{"autoscaler_requested_pods", "Number of pods autoscaler requested from Kubernetes", Gauge, RevisionLabels}
	ActualPods               = Family{"autoscaler_actual_pods", "Number of pods that are allocated currently", Gauge, RevisionLabels}
	NotReadyPods             = Family{"autoscaler_not_ready_pods", "Number of pods that are not ready currently", Gauge, RevisionLabels}
	PendingPods              = Family{"autoscaler_pending_pods", "Number of pods that are pending currently", Gauge, RevisionLabels}
	TerminatingPods          = Family{"autoscaler_terminating_pods", "Number of pods that are terminating currently", Gauge, RevisionLabels}
	ExcessBurstCapacity      = Family{"autoscaler_excess_burst_capacity", "Excess burst capacity overserved over the stable window", Gauge, RevisionLabels}
	StableRequestConcurrency = Family{"autoscaler_stable_request_concurrency", "Average of requests count per observed pod over the stable window", Gauge, RevisionLabels}
	PanicRequestConcurrency  = Family{"autoscaler_panic_request_concurrency", "Average of requests count per observed pod over the panic window", Gauge, RevisionLabels}
	TargetConcurrencyPerPod  = Family{"autoscaler_target_concurrency_per_pod", "The desired number of concurrent requests for each pod", Gauge, RevisionLabels}
	StableRPS                = Family{"autoscaler_stable_requests_per_second", "Average requests-per-second per observed pod over the stable window", Gauge, RevisionLabels}
	PanicRPS                 = Family{"autoscaler_panic_requests_per_second", "Average requests-per-second per observed pod over the panic window", Gauge, RevisionLabels}
	TargetRPS                = Family{"autoscaler_target_requests_per_second", "The desired requests-per-second for each pod", Gauge, RevisionLabels}
	PanicMode                = Family{"autoscaler_panic_mode", "1 if autoscaler is in panic mode, 0 otherwise", Gauge, RevisionLabels}

	RevisionRequestCount        = Family{"revision_request_count", "The number of requests that are routed to queue-proxy", Counter, RequestLabels}
	RevisionRequestLatencies    = Family{"revision_request_latencies", "The response latencies of the requests that are routed to queue-proxy, in milliseconds", Histogram, RequestLabels}
	ActivatorRequestCount       = Family{"activator_request_count", "The number of requests that are routed to the activator", Counter, RequestLabels}
	ActivatorRequestLatencies   = Family{"activator_request_latencies", "The response latencies of the requests that are routed to the activator, in milliseconds", Histogram, RequestLabels}
	ActivatorRequestConcurrency = Family{"activator_request_concurrency", "Concurrent requests that are routed to the activator", Gauge, PodLabels}

	RevisionConcurrency = Family{"knsim_revision_concurrency", "A revision's mean requests in flight over the last second, as reported to the autoscaler", Gauge, RevisionLabels}
	RevisionRPS         = Family{"knsim_revision_requests_per_second", "A revision's requests over the last second, as reported to the autoscaler", Gauge, RevisionLabels}
)

// Families are every family knsim exports, in the order the export
// writes them.
var Families = []Family{
	DesiredPods, RequestedPods, ActualPods, NotReadyPods, PendingPods, TerminatingPods, ExcessBurstCapacity,
	StableRequestConcurrency, PanicRequestConcurrency, TargetConcurrencyPerPod, StableRPS, PanicRPS, TargetRPS, PanicMode,
	RevisionRequestCount, RevisionRequestLatencies, ActivatorRequestCount, ActivatorRequestLatencies, ActivatorRequestConcurrency,
	RevisionConcurrency, RevisionRPS,
}

// LatencyBuckets are the upper bounds, in milliseconds, of Knative's
// latency histograms: 1, 2 and 5 times each power of ten from 1 to
// 100000 (knative.dev/pkg metrics.Buckets125(1, 100000)).
var LatencyBuckets = buckets125(1, 100000)

func buckets125(low, high float64) []float64 {
	var out []float64
	for v := low; v <= high; v *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if b := v * m; b <= high {
				out = append(out, b)
			}
		}
	}
	return out
}

// ResponseCodeClass is Knative's response_code_class of an HTTP status:
// "2xx" for 200 to 299, and so on.
func ResponseCodeClass(code int) string {
	return strconv.Itoa(code/100) + "xx"
}

// Revision names a revision in its series' labels.
type Revision struct {
	Namespace, Service, Configuration, Name string
}

// Values are the revision's label values in RevisionLabels' order, with
// Knative's "unknown" for a missing Service or Configuration.
func (r Revision) Values() []string {
	return []string{r.Namespace, orUnknown(r.Service), orUnknown(r.Configuration), r.Name}
}

func orUnknown(v string) string {
	if v == "" {
		return Unknown
	}
	return v
}
