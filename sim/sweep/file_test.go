package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBadSweepFiles: every problem is reported with the sweep file's
// line and column before anything runs.
func TestBadSweepFiles(t *testing.T) {
	tiny, err := filepath.Abs("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown field", `scenario: SCENARIO
paramters: []
`, `sweep.yaml:2:1: unknown field "paramters" (did you mean "parameters"?)`},
		{"wrong type", `scenario: SCENARIO
seeds: [1, a]
parameters:
  - {path: prices.vcpuSecond, values: [1]}
`, `sweep.yaml:2:12: seeds[1]: expected a non-negative integer, got "a"`},
		{"seed twice", `scenario: SCENARIO
seeds: [1, 2, 1]
parameters:
  - {path: prices.vcpuSecond, values: [1]}
`, `sweep.yaml:2:15: seeds[2]: seed 1 is also seeds[0]`},
		{"no parameters", `scenario: SCENARIO
`, `sweep.yaml:1:1: parameters: at least one parameter is required`},
		{"bad path", `scenario: SCENARIO
parameters:
  - path: cluster.nodes[0].cpus
    values: [1]
`, `sweep.yaml:3:5: parameters[0].path: cluster.nodes[0] has no field "cpus"; it has: name, count, cpu, memory, maxPods, labels`},
		{"unknown Service", `scenario: SCENARIO
parameters:
  - values: ["1"]
    path: services[hi].annotations[autoscaling.knative.dev/target]
`, `sweep.yaml:4:5: parameters[0].path: no Knative Service default/hi in the scenario's manifests; they define default/hello`},
		{"value of the wrong type", `scenario: SCENARIO
parameters:
  - path: prices.vcpuSecond
    values: [1]
  - path: cluster.nodes[0].count
    values: [1, many]
`, `sweep.yaml:5:5: parameters[1]: value "many": expected an integer`},
		{"value the scenario rejects", `scenario: SCENARIO
parameters:
  - path: cluster.nodes[0].count
    values: [0]
`, `sweep.yaml:3:5: parameters[0]: value "0": expected a positive integer, got "0"`},
		{"lhs without points", `scenario: SCENARIO
design: {type: lhs}
parameters:
  - {path: prices.vcpuSecond, range: {min: 0, max: 1}}
`, `sweep.yaml:2:1: design.points: lhs needs points, between 1 and 100000`},
		{"unknown design", `scenario: SCENARIO
design:
  type: sobol
parameters:
  - {path: prices.vcpuSecond, values: [1]}
`, `sweep.yaml:3:3: design.type: expected grid, random, lhs or zip, got "sobol"`},
		{"zip of unequal lists", `scenario: SCENARIO
design: {type: zip}
parameters:
  - {path: prices.vcpuSecond, values: [1, 2]}
  - path: cluster.nodes[0].count
    values: [1]
`, `sweep.yaml:6:5: parameters[1].values: zip pairs the parameters' values: 1 values here, 2 in parameters[0]`},
		{"zip of a range", `scenario: SCENARIO
design: {type: zip}
parameters:
  - {path: prices.vcpuSecond, range: {min: 0, max: 1}}
`, `sweep.yaml:4:31: parameters[0].range: zip pairs listed values: give values, not a range`},
		{"grid range without steps", `scenario: SCENARIO
parameters:
  - path: prices.vcpuSecond
    range: {min: 0, max: 1}
`, `sweep.yaml:4:5: parameters[0].range.steps: a grid needs steps (at least 2) to take values from a range`},
		{"range of two kinds", `scenario: SCENARIO
parameters:
  - path: prices.vcpuSecond
    range: {min: 1s, max: 2Gi, steps: 2}
`, `sweep.yaml:4:5: parameters[0].range: min and max must both be numbers, durations (50ms) or quantities (500m, 2Gi); got "1s" and "2Gi"`},
		{"scenario-wide problem", `scenario: SCENARIO
parameters:
  - path: services[hello].annotations[autoscaling.knative.dev/min-scale]
    values: ["3"]
  - path: services[hello].annotations[autoscaling.knative.dev/max-scale]
    values: ["2"]
`, `sweep.yaml:2:1: parameters: point 0 (services[hello].annotations[autoscaling.knative.dev/min-scale]=3, services[hello].annotations[autoscaling.knative.dev/max-scale]=2): Knative Service hello: max-scale=2 is less than min-scale=3: metadata.annotations.autoscaling.knative.dev/max-scale, metadata.annotations.autoscaling.knative.dev/min-scale`},
		{"values and range", `scenario: SCENARIO
parameters:
  - {path: prices.vcpuSecond, values: [1], range: {min: 0, max: 1, steps: 2}}
`, `sweep.yaml:3:5: parameters[0]: give values or range, not both`},
		{"same parameter twice", `scenario: SCENARIO
parameters:
  - {path: prices.vcpuSecond, values: [1]}
  - {path: prices.vcpuSecond, values: [2]}
`, `sweep.yaml:4:5: parameters[1]: parameter "prices.vcpuSecond" is also parameters[0]`},
		{"missing scenario", `scenario: nowhere.yaml
parameters:
  - {path: prices.vcpuSecond, values: [1]}
`, `sweep.yaml:1:1: scenario: cannot read the scenario: open DIR/nowhere.yaml: no such file or directory`},
		{"two documents", `scenario: SCENARIO
---
a: 1
`, `sweep.yaml:2:1: a sweep file holds one YAML document; remove the "---"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "sweep.yaml")
			if err := os.WriteFile(path, []byte(strings.ReplaceAll(tc.yaml, "SCENARIO", tiny)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load accepted the file")
			}
			got := strings.ReplaceAll(strings.ReplaceAll(err.Error(), path, "sweep.yaml"), dir, "DIR")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
