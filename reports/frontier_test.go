package reports

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/sweep"
)

// sweepSummary: point 3 is the cheapest but slowest, point 1 the fastest
// with no cold starts, point 2 is beaten by point 1 on everything.
func sweepSummary() *sweep.Summary {
	pt := func(i int, target string, cost, p99, cold float64) sweep.PointSummary {
		return sweep.PointSummary{Index: i, Values: []sweep.Value{sweep.Value(target)}, Passed: true,
			Mean: sweep.Metrics{Cost: cost, P50Ms: p99 / 2, P99Ms: p99, ColdStartRate: cold, MaxPods: 2}}
	}
	return &sweep.Summary{Scenario: "burst", Design: sweep.Grid, Seeds: []uint64{1},
		Parameters: []sweep.ParameterInfo{{Name: "target", Path: "services[*].annotations[autoscaling.knative.dev/target]"}},
		Points:     []sweep.PointSummary{pt(0, "10", 1, 100, 0.1), pt(1, "5", 2, 50, 0), pt(2, "7", 3, 60, 0.2), pt(3, "50", 0.5, 400, 0.3)}}
}

func TestFrontier(t *testing.T) {
	type verdict struct {
		ParetoL, ParetoC []int
		Fails            map[int][]string
		Recommended      int
		Why              string
	}
	for _, tc := range []struct {
		name string
		obj  string
		cons []string
		want verdict
	}{
		{"cheapest under a latency bound", "cost", []string{"latency.p99 < 200ms"}, verdict{
			[]int{0, 1, 3}, []int{0, 1, 3}, map[int][]string{3: {"latency.p99 < 200ms"}}, 0,
			"Point 0 (target=10) has the lowest cost, 1, of the 3 of 4 points meeting `latency.p99 < 200ms`; no other point beats it on cost and p99 latency, nor on cost and cold-start rate."}},
		{"fastest", "latency.p99", nil, verdict{
			[]int{0, 1, 3}, []int{0, 1, 3}, map[int][]string{}, 1,
			"Point 1 (target=5) has the lowest latency.p99, 50, of the 4 of 4 points with no constraint; no other point beats it on cost and p99 latency, nor on cost and cold-start rate."}},
		{"two bounds", "max:latency.p99", []string{"cost <= 3", "coldstarts.rate > 0"}, verdict{
			[]int{0, 1, 3}, []int{0, 1, 3}, map[int][]string{1: {"coldstarts.rate > 0"}}, 3,
			"Point 3 (target=50) has the highest latency.p99, 400, of the 3 of 4 points meeting `cost <= 3` and `coldstarts.rate > 0`; no other point beats it on cost and p99 latency, nor on cost and cold-start rate."}},
		{"dominated point", "cost", []string{"cost > 2.5"}, verdict{
			[]int{0, 1, 3}, []int{0, 1, 3}, map[int][]string{0: {"cost > 2.5"}, 1: {"cost > 2.5"}, 3: {"cost > 2.5"}}, 2,
			"Point 2 (target=7) has the lowest cost, 3, of the 1 of 4 points meeting `cost > 2.5`."}},
		{"nothing meets", "cost", []string{"latency.p99 < 10ms"}, verdict{
			[]int{0, 1, 3}, []int{0, 1, 3}, map[int][]string{0: {"latency.p99 < 10ms"}, 1: {"latency.p99 < 10ms"}, 2: {"latency.p99 < 10ms"}, 3: {"latency.p99 < 10ms"}}, -1,
			"No point of 4 is meeting `latency.p99 < 10ms`; relax a constraint or widen the sweep."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := ParseObjective(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			var cons []Constraint
			for _, s := range tc.cons {
				c, err := ParseConstraint(s)
				if err != nil {
					t.Fatal(err)
				}
				cons = append(cons, c)
			}
			f := NewFrontier(sweepSummary(), obj, cons)
			got := verdict{Fails: map[int][]string{}, Recommended: f.Recommended, Why: f.Why}
			for _, p := range f.Points {
				if p.ParetoLatency {
					got.ParetoL = append(got.ParetoL, p.Index)
				}
				if p.ParetoColdStarts {
					got.ParetoC = append(got.ParetoC, p.Index)
				}
				if len(p.Fails) > 0 {
					got.Fails[p.Index] = p.Fails
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("frontier (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConstraint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Constraint
		err  string
	}{
		{"latency.p99 < 500ms", Constraint{Metric: "latency.p99", Op: "<", Value: 500, Text: "latency.p99 < 500ms"}, ""},
		{"latency.p50<=1.5s", Constraint{Metric: "latency.p50", Op: "<=", Value: 1500, Text: "latency.p50<=1.5s"}, ""},
		{"cost <= 0.25", Constraint{Metric: "cost", Op: "<=", Value: 0.25, Text: "cost <= 0.25"}, ""},
		{"coldstarts.rate == 0", Constraint{Metric: "coldstarts.rate", Op: "==", Value: 0, Text: "coldstarts.rate == 0"}, ""},
		{"latency.p98 < 1s", Constraint{}, `unknown metric "latency.p98"`},
		{"cost < 1s", Constraint{}, `"1s" is not a number`},
		{"latency.p99 < soon", Constraint{}, "neither a duration nor a number of milliseconds"},
		{"cheap", Constraint{}, "expected METRIC OP VALUE"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseConstraint(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("constraint (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseObjective("max:pods.maximum"); err == nil || !strings.Contains(err.Error(), `unknown metric "pods.maximum"`) {
		t.Errorf("ParseObjective of an unknown metric: %v", err)
	}
}

func TestFrontierMarkdownGolden(t *testing.T) {
	c, err := ParseConstraint("latency.p99 < 200ms")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := FrontierMarkdown(&b, NewFrontier(sweepSummary(), Objective{Metric: "cost"}, []Constraint{c})); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/frontier.md"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("Markdown (-golden +got):\n%s", diff)
	}
}

func TestFrontierHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := FrontierHTML(&b, NewFrontier(sweepSummary(), Objective{Metric: "cost"}, nil)); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{"<h1>Sweep of burst</h1>", "Cost against p99 latency", "Cost against cold-start rate", "<svg", "Pareto-optimal", "recommended", "<table>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script src", "<link ", "http://", "https://"} {
		if strings.Contains(html, bad) && !strings.Contains(html, "http://www.w3.org") {
			t.Errorf("the page refers outside itself: %q", bad)
		}
	}
}
