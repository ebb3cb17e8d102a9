package results

import (
	"encoding/json"
	"fmt"
	"os"
)

// Results is one scenario run.
type Results struct {
	// Scenario identifies the run.
	Scenario Scenario `json:"scenario"`
	// Config is the resolved scenario, defaults filled in.
	Config json.RawMessage `json:"config,omitempty"`
	// Revisions holds a time series per revision, sampled every second
	// (runs longer than an hour merge samples: at most 3600 per revision).
	Revisions []RevisionSeries `json:"revisions"`
	// Requests summarises every request sent.
	Requests Requests `json:"requests"`
	// Latency holds latency percentiles per window over time.
	Latency []LatencyPoint `json:"latency,omitempty"`
	// ColdStarts summarises requests that waited for a pod to start.
	ColdStarts ColdStarts `json:"coldStarts"`
	// Pods summarises the pod counts.
	Pods Pods `json:"pods"`
	// Cost is what the pods cost.
	Cost Cost `json:"cost"`
	// Events summarises event delivery, when the scenario has event workloads.
	Events *Events `json:"events,omitempty"`
	// Readiness is the Service-ready breakdown (readiness.go), when the run
	// recorded it.
	Readiness *Readiness `json:"readiness,omitempty"`
	// Expectations are the outcomes of the scenario's expect list.
	Expectations []Outcome `json:"expectations"`
	// Passed is true when every expectation passed.
	Passed bool `json:"passed"`
}

// Scenario identifies a run.
type Scenario struct {
	Name         string   `json:"name"`
	Description  string   `json:"description,omitempty"`
	File         string   `json:"file,omitempty"`
	Seed         uint64   `json:"seed"`
	Mode         string   `json:"mode"`
	ControlPlane string   `json:"controlPlane"`
	Duration     Seconds  `json:"durationSeconds"`
	Labels       []string `json:"labels,omitempty"`
}

// Seconds is a duration in seconds, as JSON numbers read best in reports.
type Seconds float64

// RevisionSeries is one revision's state over time.
type RevisionSeries struct {
	Namespace string   `json:"namespace"`
	Service   string   `json:"service"`
	Revision  string   `json:"revision"`
	Samples   []Sample `json:"samples"`
}

// Sample is a revision's state at T seconds after the start.
type Sample struct {
	T               Seconds `json:"t"`
	Desired         int32   `json:"desired"`
	Ready           int32   `json:"ready"`
	Pending         int32   `json:"pending"`
	Concurrency     float64 `json:"concurrency"`
	RPS             float64 `json:"rps"`
	ActivatorInPath bool    `json:"activatorInPath"`
}

// Percentiles of a latency distribution, in milliseconds.
type Percentiles struct {
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Bucket is one bar of a latency histogram: Count requests took at most
// UpToMs (and more than the previous bucket's bound).
type Bucket struct {
	UpToMs float64 `json:"upToMs"`
	Count  int     `json:"count"`
}

// Requests summarises the requests of a run.
type Requests struct {
	Total       int            `json:"total"`
	OK          int            `json:"ok"`
	Errors      int            `json:"errors"`
	PerSecond   float64        `json:"perSecond"`
	StatusCodes map[string]int `json:"statusCodes"`
	Latency     Percentiles    `json:"latencyMs"`
	Histogram   []Bucket       `json:"histogram,omitempty"`
	// ByService breaks the totals down per Knative Service.
	ByService map[string]ServiceRequests `json:"byService,omitempty"`
}

// ServiceRequests is one Service's share of the requests.
type ServiceRequests struct {
	Total   int         `json:"total"`
	Errors  int         `json:"errors"`
	Latency Percentiles `json:"latencyMs"`
}

// LatencyPoint holds the percentiles of requests completed in a window
// ending at T.
type LatencyPoint struct {
	T   Seconds `json:"t"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	N   int     `json:"n"`
}

// ColdStarts summarises requests that waited for capacity from zero.
type ColdStarts struct {
	Count   int         `json:"count"`
	Latency Percentiles `json:"latencyMs"`
	// Times are when each cold start began, seconds from the start.
	Times []Seconds `json:"times,omitempty"`
}

// Pods summarises pod counts over the run.
type Pods struct {
	Max        int32 `json:"max"`
	MaxReady   int32 `json:"maxReady"`
	MaxPending int32 `json:"maxPending"`
	Final      int32 `json:"final"`
	// UnschedulableSeconds is the pod-time spent waiting for a node (from
	// a scheduling attempt that found none until the pod was bound or
	// deleted): how long the cluster was too small.
	UnschedulableSeconds float64 `json:"unschedulableSeconds,omitempty"`
}

// Cost is resource use and its price.
type Cost struct {
	PodSeconds  float64 `json:"podSeconds"`
	VCPUSeconds float64 `json:"vcpuSeconds"`
	GiBSeconds  float64 `json:"gibSeconds"`
	// IdleGiBSeconds is the memory of Ready pods not serving a request,
	// integrated over time: "wasted memory time" as "Serverless in the
	// Wild" (Shahrad et al., ATC'20) measures keep-alive policies. A
	// revision's idle pods at a second are its Ready pods less its mean
	// in-flight requests (one request per pod; exact with
	// containerConcurrency 1).
	IdleGiBSeconds float64 `json:"idleGibSeconds,omitempty"`
	Total          float64 `json:"total"`
	Currency       string  `json:"currency,omitempty"`
}

// Events summarises event delivery.
type Events struct {
	Produced     int         `json:"produced"`
	Accepted     int         `json:"accepted"`
	Delivered    int         `json:"delivered"`
	Duplicates   int         `json:"duplicates"`
	Retries      int         `json:"retries"`
	DeadLettered int         `json:"deadLettered"`
	DroppedTTL   int         `json:"droppedTTL"`
	Filtered     int         `json:"filtered"`
	Lost         int         `json:"lost"`
	Latency      Percentiles `json:"latencyMs"`
}

// Outcome is one expectation's verdict.
type Outcome struct {
	Expr     string `json:"expr"`
	Pass     bool   `json:"pass"`
	Observed string `json:"observed"`
}

// Write stores r as indented JSON at path.
func (r *Results) Write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Read loads results JSON, naming the file in errors.
func Read(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := &Results{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("%s: not a knsim results file: %w", path, err)
	}
	if r.Scenario.Name == "" {
		return nil, fmt.Errorf("%s: not a knsim results file: scenario.name is missing", path)
	}
	return r, nil
}
