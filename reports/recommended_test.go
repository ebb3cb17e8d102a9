package reports

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/results"
)

func TestDetailOf(t *testing.T) {
	res := &results.Results{
		Scenario: results.Scenario{Seed: 3},
		Config:   []byte(`{"cluster":{"nodes":[{"count":2,"cpu":"16"}]}}`),
		Revisions: []results.RevisionSeries{
			{Namespace: "default", Service: "a", Revision: "a-00001", Samples: []results.Sample{{T: 1, Ready: 2}, {T: 2, Ready: 5, Pending: 1}}},
			{Namespace: "default", Service: "a", Revision: "a-00002", Samples: []results.Sample{{T: 1, Ready: 3}}},
			{Namespace: "default", Service: "b", Revision: "b-00001", Samples: []results.Sample{{T: 1, Ready: 1}}},
		},
		Requests: results.Requests{ByService: map[string]results.ServiceRequests{
			"default/b": {Total: 10, Latency: results.Percentiles{P99: 40}},
			"default/a": {Total: 100, Errors: 2, Latency: results.Percentiles{P99: 120}},
		}},
		Pods: results.Pods{Max: 40, MaxPending: 4, UnschedulableSeconds: 95.5},
		Cost: results.Cost{PodSeconds: 100, VCPUSeconds: 50},
	}
	want := PointDetail{
		Seed: 3, PeakPods: 40, PeakPending: 4, UnschedulableSeconds: 95.5, VCPUPerPod: 0.5, NodeCPU: 16, Nodes: 2, // 40 pods x 0.5 vCPU = 20 CPU: two nodes of 16
		Services: []ServiceDetail{
			{Service: "default/a", Requests: 100, Errors: 2, P99Ms: 120, PeakPods: 6}, // 5 Ready + 1 Pending at 2 s beats 2 + 3 at 1 s
			{Service: "default/b", Requests: 10, P99Ms: 40, PeakPods: 1},
		},
	}
	got := DetailOf(res)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DetailOf (-want +got):\n%s", diff)
	}
	var b strings.Builder
	writeDetail(&b, &got)
	for _, line := range []string{
		"Peak pods 40 (at most 4 Pending at once); at 0.5 vCPU requested per pod the peak fills 2 nodes of 16 CPU. Pods waited 95.5 pod-seconds for a node: the scenario's nodes were too few for this point.",
		"| default/a | 100 | 2 | 120 ms | 6 |",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("the per-Service section lacks %q:\n%s", line, b.String())
		}
	}
	roomy := got
	roomy.UnschedulableSeconds = 0
	b.Reset()
	writeDetail(&b, &roomy)
	if want := "2 nodes of 16 CPU. No pod waited for a node."; !strings.Contains(b.String(), want) {
		t.Errorf("without waits the sizing lacks %q:\n%s", want, b.String())
	}
}
