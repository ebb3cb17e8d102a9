package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/results"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample(mode string, pods int32) *results.Results {
	r := &results.Results{
		Scenario: results.Scenario{Name: "burst", Description: "hey -z 30s -c 50", Seed: 1, Mode: mode, ControlPlane: "envtest", Duration: 60},
		Requests: results.Requests{Total: 1000, OK: 998, Errors: 2, PerSecond: 33.3,
			StatusCodes: map[string]int{"200": 998, "503": 2},
			Latency:     results.Percentiles{P50: 12, P90: 30, P95: 45.5, P99: 120, Max: 2100, Mean: 20}},
		ColdStarts: results.ColdStarts{Count: 1, Latency: results.Percentiles{P50: 2000, P99: 2000}, Times: []results.Seconds{0}},
		Pods:       results.Pods{Max: pods, MaxReady: pods, Final: 1},
		Cost:       results.Cost{PodSeconds: 120, VCPUSeconds: 30, GiBSeconds: 15, Total: 0.0123},
		Expectations: []results.Outcome{
			{Expr: "pods.max <= 12", Pass: true, Observed: "pods.max = 5"},
			{Expr: "requests.errors == 0", Pass: false, Observed: "requests.errors = 2 (want == 0)"},
		},
		Latency: []results.LatencyPoint{{T: 10, P50: 10, P95: 40, P99: 100, N: 300}, {T: 20, P50: 12, P95: 45, P99: 120, N: 400}},
	}
	r.Revisions = []results.RevisionSeries{{Namespace: "default", Service: "helloworld-go", Revision: "helloworld-go-1"}}
	for t := 0; t <= 60; t += 10 {
		r.Revisions[0].Samples = append(r.Revisions[0].Samples, results.Sample{T: results.Seconds(t), Desired: pods, Ready: pods, RPS: 33, Concurrency: 50})
	}
	return r
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, []*results.Results{sample("virtual", 5), sample("real", 6)}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.md")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if d := cmp.Diff(string(want), b.String()); d != "" {
		t.Errorf("Markdown (-want +got):\n%s", d)
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, []*results.Results{sample("virtual", 5), sample("real", 6)}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<svg", "Pods over time", "Latency percentiles over time", "Cold starts over time",
		"burst: ready pods, modes side by side", `<span class="FAIL">FAIL</span>`, "<code>requests.errors == 0</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, banned := range []string{`src="http`, `href="http`, "<?xml"} {
		if strings.Contains(page, banned) {
			t.Errorf("page contains %q; it must be self-contained", banned)
		}
	}
}
