package results

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// at builds stage times in milliseconds, indexed as ReadyStages; -1 is a
// stage not reached.
func at(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
		if m < 0 {
			out[i] = -1
		}
	}
	return out
}

func TestBreakdown(t *testing.T) {
	// configuration, revision, deployment, scheduled, started, autoscaler, sks, route, ready
	one := StageTimes{Namespace: "default", Service: "a", Revision: "a-1", Created: 0, At: at(3500, 0, 0, 0, 3000, 3500, 0, 3500, 3500)}
	never := StageTimes{Namespace: "default", Service: "b", Revision: "b-1", Created: 10 * time.Second, At: at(-1, 0, 0, 0, -1, -1, 0, -1, -1)}
	tests := []struct {
		name     string
		services []StageTimes
		// want is the summary of the stage "ready" and "started", and the counts.
		wantReady, wantStarted StageSummary
		wantServices, wantN    int
	}{
		{
			name:         "no Services",
			wantReady:    StageSummary{Stage: StageReady},
			wantStarted:  StageSummary{Stage: StageStarted},
			wantServices: 0, wantN: 0,
		},
		{
			name:         "one Service",
			services:     []StageTimes{one},
			wantReady:    StageSummary{Stage: StageReady, Reached: 1, Latency: Percentiles{Min: 3500, P50: 3500, P90: 3500, P95: 3500, P99: 3500, Max: 3500, Mean: 3500}},
			wantStarted:  StageSummary{Stage: StageStarted, Reached: 1, Latency: Percentiles{Min: 3000, P50: 3000, P90: 3000, P95: 3000, P99: 3000, Max: 3000, Mean: 3000}},
			wantServices: 1, wantN: 1,
		},
		{
			name:         "a Service that never turns Ready counts in services, not in the stages it did not reach",
			services:     []StageTimes{one, never},
			wantReady:    StageSummary{Stage: StageReady, Reached: 1, Latency: Percentiles{Min: 3500, P50: 3500, P90: 3500, P95: 3500, P99: 3500, Max: 3500, Mean: 3500}},
			wantStarted:  StageSummary{Stage: StageStarted, Reached: 1, Latency: Percentiles{Min: 3000, P50: 3000, P90: 3000, P95: 3000, P99: 3000, Max: 3000, Mean: 3000}},
			wantServices: 2, wantN: 1,
		},
		{
			// Nearest rank over 20 Services of 1..20 s: p50 is the 10th,
			// p90 the 18th, p95 the 19th, p99 the 20th.
			name:         "percentiles by nearest rank",
			services:     ramp(20),
			wantReady:    StageSummary{Stage: StageReady, Reached: 20, Latency: Percentiles{Min: 1000, P50: 10000, P90: 18000, P95: 19000, P99: 20000, Max: 20000, Mean: 10500}},
			wantStarted:  StageSummary{Stage: StageStarted, Reached: 20, Latency: Percentiles{Min: 500, P50: 5000, P90: 9000, P95: 9500, P99: 10000, Max: 10000, Mean: 5250}},
			wantServices: 20, wantN: 20,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Breakdown(tc.services)
			if len(r.Stages) != len(ReadyStages) {
				t.Fatalf("%d stages, want %d", len(r.Stages), len(ReadyStages))
			}
			ready, _ := r.Stage(StageReady)
			started, _ := r.Stage(StageStarted)
			got := []any{r.Services, r.Ready, ready, started}
			want := []any{tc.wantServices, tc.wantN, tc.wantReady, tc.wantStarted}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Breakdown (-want +got):\n%s", diff)
			}
		})
	}
}

// ramp is n Services, the i-th (from 1) Ready after i seconds and started
// after i/2 seconds.
func ramp(n int) []StageTimes {
	var out []StageTimes
	for i := 1; i <= n; i++ {
		s := at(-1, -1, -1, -1, i*500, -1, -1, -1, i*1000)
		out = append(out, StageTimes{Namespace: "default", Service: "s", Created: time.Duration(i) * time.Second, At: s})
	}
	return out
}

func TestReadinessCSV(t *testing.T) {
	r := Breakdown([]StageTimes{
		{Namespace: "default", Service: "a", Revision: "a-1", Created: 0, At: at(3500, 0, 0, 0, 3000, 3500, 0, 3500, 3500)},
		{Namespace: "team", Service: "b", Revision: "b-1", Created: 10500 * time.Millisecond, At: at(-1, 0, 0, 1, -1, -1, 0, -1, -1)},
	})
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := `namespace,service,revision,created_s,configuration_ms,revision_ms,deployment_ms,scheduled_ms,started_ms,autoscaler_ms,sks_ms,route_ms,ready_ms
default,a,a-1,0,3500,0,0,0,3000,3500,0,3500,3500
team,b,b-1,10.5,,0,0,1,,,0,,
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
}
