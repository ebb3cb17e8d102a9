package gate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/expect"
)

func TestParse(t *testing.T) {
	src := `name: smoke
seeds: 6
test: mann-whitney
metrics:
  - {metric: latency.p99, minEffect: 10%}
scenarios:
  - file: a.yaml
    metrics:
      - {metric: service(hello).requests.rate, better: higher}
  - file: b.yaml
`
	l, err := Parse("dir/smoke.gate.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p99 := Metric{Ref: expect.Ref{Metric: "latency.p99"}, Kind: expect.DurationKind, MinEffect: 0.1}
	rate := Metric{Ref: expect.Ref{Metric: "requests.rate", Scope: expect.Scope{Service: "hello"}}, Kind: expect.NumberKind, Higher: true, MinEffect: DefaultMinEffect}
	if diff := cmp.Diff([][]Metric{{p99, rate}, {p99}}, l.Metrics); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	got := []any{l.Seeds, l.FirstSeed, l.Alpha, l.Test, l.BaselinePath(), l.ResolvePath("a.yaml"), l.SeedList()}
	want := []any{6, uint64(1), 0.05, UnpairedTest, "bench/baselines/smoke.json", "dir/a.yaml", []uint64{1, 2, 3, 4, 5, 6}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	const scen = "scenarios:\n  - file: a.yaml\n"
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"empty", "", "g.yaml: the file is empty; a gate needs name, scenarios and metrics"},
		{"bad YAML", "name: [x\n", "g.yaml:1:1: invalid YAML: did not find expected ',' or ']'"},
		{"unknown field", "name: x\nseed: 3\n" + scen + "metrics: [{metric: pods.max}]\n",
			`g.yaml:2:1: unknown field "seed"; expected one of: name, description, seeds, firstSeed, alpha, test, baseline, controlPlane, metrics, scenarios`},
		{"missing scenarios", "name: x\nmetrics: [{metric: pods.max}]\n", "g.yaml:1:1: scenarios is required"},
		{"wrong type", "name: x\nseeds: many\n" + scen, `g.yaml:2:8: expected a int, got "many"`},
		{"unknown metric", "name: x\n" + scen + "metrics:\n  - metric: latency.p98\n",
			`g.yaml:5:13: metric: unknown metric "latency.p98" (did you mean "latency.p90"?)`},
		{"bad scope", "name: x\n" + scen + "metrics:\n  - metric: service(Bad_Name).pods.max\n",
			`g.yaml:5:21: metric: service() takes a Knative Service name or namespace/name (lowercase DNS labels), found "Bad_Name"`},
		{"bad direction", "name: x\n" + scen + "metrics:\n  - {metric: pods.max, better: smaller}\n",
			`g.yaml:5:32: better must be lower or higher, got "smaller"`},
		{"bad effect", "name: x\n" + scen + "metrics:\n  - {metric: pods.max, minEffect: 0.05}\n",
			`g.yaml:5:35: minEffect must be a percentage above 0, such as 5%, got "0.05"`},
		{"too few seeds", "name: x\nseeds: 4\n" + scen + "metrics: [{metric: pods.max}]\n",
			"g.yaml:2:8: 4 seeds cannot show a regression at alpha 0.05 with the wilcoxon test (its smallest p is 0.0625): use more seeds"},
		{"no metrics", "name: x\n" + scen, "g.yaml:3:5: no metric to compare for a.yaml: list metrics for the gate or the scenario"},
		{"twice", "name: x\n" + scen + "metrics: [{metric: pods.max}, {metric: pods.max}]\n",
			"g.yaml:3:5: metric pods.max is compared twice for a.yaml"},
		{"bad name", "name: Smoke Test\n" + scen + "metrics: [{metric: pods.max}]\n",
			`g.yaml:1:7: name must be lower-case letters, digits and dashes (it names the baseline file), got "Smoke Test"`},
		{"bad test", "name: x\ntest: t-test\n" + scen + "metrics: [{metric: pods.max}]\n",
			`g.yaml:2:7: test must be wilcoxon or mann-whitney, got "t-test"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("g.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
