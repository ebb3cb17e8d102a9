package gate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/results"
)

func TestValue(t *testing.T) {
	p99 := Metric{Ref: expect.Ref{Metric: "latency.p99"}, Kind: expect.DurationKind}
	svcP50 := Metric{Ref: expect.Ref{Metric: "latency.p50", Scope: expect.Scope{Service: "hello"}}, Kind: expect.DurationKind}
	cost := Metric{Ref: expect.Ref{Metric: "cost.pod_seconds"}, Kind: expect.NumberKind}
	cs := Metric{Ref: expect.Ref{Metric: "coldstarts.p50"}, Kind: expect.DurationKind}
	rev := Metric{Ref: expect.Ref{Metric: "pods.max", Scope: expect.Scope{Revision: "hello-1"}}, Kind: expect.NumberKind}
	summary := &results.Results{Scenario: results.Scenario{Name: "s"}}
	summary.Requests.Total = 10
	summary.Requests.Latency.P99 = 250
	summary.Requests.ByService = map[string]results.ServiceRequests{"default/hello": {Total: 4, Latency: results.Percentiles{P50: 12.5}}}
	summary.Cost.PodSeconds = 42.5
	probed := &results.Results{Scenario: results.Scenario{Name: "s"}, Expectations: []results.Outcome{
		{Expr: "latency.p99 >= 0", Pass: true, Observed: "latency.p99 = 1.5s (want >= 0)"},
		{Expr: "cost.pod_seconds >= 0", Pass: true, Observed: "cost.pod_seconds = 228.125 (want >= 0)"},
		{Expr: "coldstarts.p50 >= 0", Pass: false, Observed: "coldstarts.p50 = no data (want >= 0)"},
		{Expr: "revision(hello-1).pods.max >= 0", Pass: true, Observed: "revision(hello-1).pods.max = 3 (want >= 0)"},
	}}
	type out struct {
		V   float64
		OK  bool
		Err bool
	}
	tests := []struct {
		name string
		r    *results.Results
		m    Metric
		want out
	}{
		{"probe duration", probed, p99, out{1.5, true, false}},
		{"probe number", probed, cost, out{228.125, true, false}},
		{"probe no data", probed, cs, out{0, false, false}},
		{"probe revision scope", probed, rev, out{3, true, false}},
		{"summary latency", summary, p99, out{0.25, true, false}},
		{"summary service latency", summary, svcP50, out{0.0125, true, false}},
		{"summary cost", summary, cost, out{42.5, true, false}},
		{"summary no cold starts", summary, cs, out{0, false, false}},
		{"summary cannot scope by revision", summary, rev, out{0, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok, err := Value(tt.r, tt.m)
			if diff := cmp.Diff(tt.want, out{v, ok, err != nil}); diff != "" {
				t.Errorf("Value (-want +got):\n%s (err %v)", diff, err)
			}
		})
	}
}
