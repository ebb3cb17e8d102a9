package gate

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReportGolden holds the Markdown table and the JUnit XML of a report
// with every verdict to testdata/report.*; -update rewrites them.
func TestReportGolden(t *testing.T) {
	l, err := Parse("g.yaml", []byte(`name: g
metrics:
  - {metric: latency.p50}
  - {metric: requests.rate, better: higher}
  - {metric: coldstarts.p50, minEffect: 20%}
  - {metric: pods.max}
scenarios: [{file: s.yaml}]
`))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.5, 2.0
	bl := &Baseline{Provenance: Provenance{Commit: "0123456789abcdef", Date: "2026-12-07T00:00:00Z", Seeds: []uint64{1, 2, 3, 4, 5}},
		Scenarios: map[string]*BaselineScenario{"s": {Metrics: map[string]*BaselineMetric{
			"latency.p50":    {Values: vals(0.100, 0.102, 0.098, 0.101, 0.099)},
			"requests.rate":  {Values: vals(40, 41, 39, 40, 40)},
			"coldstarts.p50": {Range: &Range{Min: &lo, MinSource: "floor", Max: &hi, MaxSource: "Knative's budget"}},
		}}}}
	m := &Measurements{Gate: "g", Seeds: []uint64{1, 2, 3, 4, 5}, Scenarios: []ScenarioValues{{Name: "s", File: "s.yaml",
		Values: map[string][]*float64{
			"latency.p50":    vals(0.110, 0.1122, 0.1078, 0.1111, 0.1089),
			"requests.rate":  vals(40, 41, 39, 40, 40),
			"coldstarts.p50": vals(2.5, 2.4, 2.6, 2.5, 2.5),
			"pods.max":       vals(3, 3, 3, 3, 3),
		}}}}
	rows := l.Compare(bl, m)
	rep := &Report{Gate: "g", Baseline: "b.json", Provenance: bl.Provenance, Seeds: m.Seeds, Alpha: l.Alpha, Failed: Failed(rows), Rows: rows}
	var md, junit bytes.Buffer
	if err := rep.WriteMarkdown(&md, l); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJUnit(&junit, l); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		file string
		got  []byte
	}{{"report.md", md.Bytes()}, {"report.junit.xml", junit.Bytes()}} {
		path := filepath.Join("testdata", g.file)
		if *update {
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test -update writes it)", err)
		}
		if diff := cmp.Diff(string(want), string(g.got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
	}
	if !rep.Failed {
		t.Error("a report with regressions is not failed")
	}
}
