package gate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBaselineRoundTrip(t *testing.T) {
	lo := 0.0
	hi := 2.5
	old := &Baseline{Scenarios: map[string]*BaselineScenario{"s": {Metrics: map[string]*BaselineMetric{
		"coldstarts.p50": {Range: &Range{Min: &lo, MinSource: "none", Max: &hi, MaxSource: "Knative's cold-start budget"}},
	}}}}
	m := &Measurements{Gate: "g", Seeds: []uint64{1, 2}, Scenarios: []ScenarioValues{{
		Name: "s", File: "s.yaml", Values: map[string][]*float64{
			"latency.p50":    vals(0.1, 0.2),
			"coldstarts.p50": {nil, vals(3)[0]},
			"pods.max":       {nil, nil},
		},
	}}}
	b := NewBaseline(m, Provenance{Commit: "abc", Date: "2026-12-07T00:00:00Z", KnsimVersion: "v0.1"}, old)
	path := filepath.Join(t.TempDir(), "sub", "g.json")
	if err := b.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &Baseline{Gate: "g", Provenance: Provenance{Commit: "abc", Date: "2026-12-07T00:00:00Z", KnsimVersion: "v0.1", Seeds: []uint64{1, 2}},
		Scenarios: map[string]*BaselineScenario{"s": {File: "s.yaml", Metrics: map[string]*BaselineMetric{
			"latency.p50":    {Values: vals(0.1, 0.2)},
			"coldstarts.p50": {Range: &Range{Min: &lo, MinSource: "none", Max: &hi, MaxSource: "Knative's cold-start budget"}},
			"pods.max":       {Values: []*float64{nil, nil}},
		}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestReadBaselineErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", "{", "not a gate baseline"},
		{"value count", `{"provenance": {"seeds": [1, 2]}, "scenarios": {"s": {"metrics": {"pods.max": {"values": [1]}}}}}`,
			`scenarios.s.metrics["pods.max"] has 1 values for 2 seeds`},
		{"empty range", `{"provenance": {"seeds": [1]}, "scenarios": {"s": {"metrics": {"pods.max": {"range": {}}}}}}`,
			`scenarios.s.metrics["pods.max"].range has neither min nor max`},
		{"inverted range", `{"provenance": {"seeds": [1]}, "scenarios": {"s": {"metrics": {"pods.max": {"range": {"min": 3, "max": 1}}}}}}`,
			`min 3 is above max 1`},
		{"null metric", `{"provenance": {"seeds": [1]}, "scenarios": {"s": {"metrics": {"pods.max": null}}}}`,
			`is empty: give values or range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "b.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadBaseline(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadBaseline: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
