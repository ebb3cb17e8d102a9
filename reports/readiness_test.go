package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/results"
)

// ms builds stage times in milliseconds, indexed as results.ReadyStages;
// -1 is a stage not reached.
func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, m := range v {
		out[i] = time.Duration(m) * time.Millisecond
		if m < 0 {
			out[i] = -1
		}
	}
	return out
}

func TestReadinessStack(t *testing.T) {
	// configuration, revision, deployment, scheduled, started, autoscaler, sks, route, ready
	tests := []struct {
		name      string
		services  []results.StageTimes
		wantNames []string
		wantSegs  [][]float64 // per stage: p50, p90, p95, p99
	}{
		{
			name:      "no Services, no bars",
			wantNames: nil, wantSegs: nil,
		},
		{
			name:      "one Service: stages in order of their median, each adding what it reaches beyond the last",
			services:  []results.StageTimes{{Service: "a", At: ms(3500, 0, 0, 0, 3000, 3500, 0, 3500, 3500)}},
			wantNames: []string{"revision", "deployment", "scheduled", "sks", "started", "configuration", "autoscaler", "route", "ready"},
			wantSegs: [][]float64{
				{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0},
				{3000, 3000, 3000, 3000}, {500, 500, 500, 500},
				{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0},
			},
		},
		{
			name: "stages not reached are left out; a slow tail shows in the upper percentiles only",
			services: []results.StageTimes{
				{Service: "a", At: ms(-1, 0, -1, -1, 1000, -1, -1, -1, 2000)},
				{Service: "b", At: ms(-1, 0, -1, -1, 1000, -1, -1, -1, 2000)},
				{Service: "c", At: ms(-1, 0, -1, -1, 9000, -1, -1, -1, 10000)},
			},
			wantNames: []string{"revision", "started", "ready"},
			wantSegs: [][]float64{
				{0, 0, 0, 0},
				{1000, 9000, 9000, 9000},
				{1000, 1000, 1000, 1000},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			names, segs := readinessStack(results.Breakdown(tc.services))
			if diff := cmp.Diff([]any{tc.wantNames, tc.wantSegs}, []any{names, segs}); diff != "" {
				t.Errorf("readinessStack (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadinessInReports(t *testing.T) {
	r := sample("virtual", 5)
	r.Readiness = results.Breakdown([]results.StageTimes{{Namespace: "default", Service: "a", At: ms(3500, 0, 0, 0, 3000, 3500, 0, 3500, 3500)}})
	var md, page bytes.Buffer
	if err := Markdown(&md, []*results.Results{r}); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&page, []*results.Results{r}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Service ready: 1 of 1 Services Ready", "| started | 1 | 3000 | 3000 | 3000 | 3000 | 3000 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if !strings.Contains(page.String(), "Service ready: stages stacked by percentile (1 of 1 Services Ready)") {
		t.Error("HTML lacks the readiness chart")
	}
	// Without a breakdown, neither appears (and the golden report stays).
	md.Reset()
	if err := Markdown(&md, []*results.Results{sample("virtual", 5)}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "Service ready") {
		t.Error("Markdown has a readiness table for a run without one")
	}
}
