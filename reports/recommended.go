package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/results"
)

// PointDetail is what one run of the recommended point says beyond the
// sweep's metrics: each Service's share of a multi-Service trace, and the
// nodes the point needs.
type PointDetail struct {
	// Seed is the run's seed.
	Seed uint64
	// Services are the Services in name order.
	Services []ServiceDetail
	// PeakPods is the most pods at once, PeakPending the most Pending.
	PeakPods, PeakPending int32
	// UnschedulableSeconds is the pod-time pods waited for a node: above
	// zero, the scenario's nodes were too few for the point.
	UnschedulableSeconds float64
	// VCPUPerPod is the mean CPU request of a pod (cost.vcpuSeconds over
	// cost.podSeconds).
	VCPUPerPod float64
	// NodeCPU is the CPU of the scenario's first node pool, 0 if unknown.
	NodeCPU float64
	// Nodes is how many such nodes the peak's CPU requests fill (0 if
	// unknown): ceil(PeakPods x VCPUPerPod / NodeCPU).
	Nodes int
}

// ServiceDetail is one Service of a run.
type ServiceDetail struct {
	Service          string
	Requests, Errors int
	P99Ms            float64
	// PeakPods is the most pods of the Service's revisions at one second.
	PeakPods int32
}

// DetailOf reads a run's results into a PointDetail.
func DetailOf(res *results.Results) PointDetail {
	d := PointDetail{Seed: res.Scenario.Seed, PeakPods: res.Pods.Max, PeakPending: res.Pods.MaxPending,
		UnschedulableSeconds: res.Pods.UnschedulableSeconds}
	peaks := map[string]map[float64]int32{} // service -> second -> pods
	for _, rs := range res.Revisions {
		svc := rs.Namespace + "/" + rs.Service
		if peaks[svc] == nil {
			peaks[svc] = map[float64]int32{}
		}
		for _, s := range rs.Samples {
			peaks[svc][float64(s.T)] += s.Ready + s.Pending
		}
	}
	for svc, sr := range res.Requests.ByService {
		sd := ServiceDetail{Service: svc, Requests: sr.Total, Errors: sr.Errors, P99Ms: sr.Latency.P99}
		for _, n := range peaks[svc] {
			sd.PeakPods = max(sd.PeakPods, n)
		}
		d.Services = append(d.Services, sd)
	}
	slices.SortFunc(d.Services, func(a, b ServiceDetail) int { return strings.Compare(a.Service, b.Service) })
	if res.Cost.PodSeconds > 0 {
		d.VCPUPerPod = res.Cost.VCPUSeconds / res.Cost.PodSeconds
	}
	var cfg struct {
		Cluster struct {
			Nodes []struct {
				CPU resource.Quantity `json:"cpu"`
			} `json:"nodes"`
		} `json:"cluster"`
	}
	if json.Unmarshal(res.Config, &cfg) == nil && len(cfg.Cluster.Nodes) > 0 {
		d.NodeCPU = cfg.Cluster.Nodes[0].CPU.AsApproximateFloat64()
	}
	if d.NodeCPU > 0 && d.VCPUPerPod > 0 {
		d.Nodes = int(math.Ceil(float64(d.PeakPods) * d.VCPUPerPod / d.NodeCPU))
	}
	return d
}

// writeDetail writes the recommended point's per-Service table and sizing.
func writeDetail(b *strings.Builder, d *PointDetail) {
	fmt.Fprintf(b, "## The recommended point, per Service (seed %d)\n\n", d.Seed)
	fmt.Fprintf(b, "Peak pods %d (at most %d Pending at once)", d.PeakPods, d.PeakPending)
	if d.Nodes > 0 {
		fmt.Fprintf(b, "; at %.3g vCPU requested per pod the peak fills %d nodes of %.3g CPU", d.VCPUPerPod, d.Nodes, d.NodeCPU)
	}
	if d.UnschedulableSeconds > 0 {
		fmt.Fprintf(b, ". Pods waited %s pod-seconds for a node: the scenario's nodes were too few for this point", num(d.UnschedulableSeconds))
	} else {
		b.WriteString(". No pod waited for a node")
	}
	b.WriteString(".\n\n| Service | requests | errors | p99 | peak pods |\n|---|---|---|---|---|\n")
	for _, s := range d.Services {
		fmt.Fprintf(b, "| %s | %d | %d | %s ms | %d |\n", s.Service, s.Requests, s.Errors, num(s.P99Ms), s.PeakPods)
	}
	b.WriteString("\n")
}
