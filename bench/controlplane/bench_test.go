package controlplanebench_test

import (
	"context"
	"testing"

	controlplanebench "github.com/knsim/knsim/bench/controlplane"
	"github.com/knsim/knsim/sim/scenario"
)

// BenchmarkHeyBurst runs scenarios/hey-burst.yaml on envtest and reports
// the wall time of its 2 virtual minutes apart from start-up and stop
// (target: under 1 s on 2 cores). Each iteration starts its own envtest.
func BenchmarkHeyBurst(b *testing.B) {
	var last controlplanebench.ScenarioResult
	for b.Loop() {
		res, err := controlplanebench.Scenario(context.Background(), controlplanebench.ScenarioConfig{})
		if err != nil {
			b.Fatal(err)
		}
		if !res.Passed {
			b.Fatalf("%s failed its expectations", res.Name)
		}
		last = res
	}
	b.ReportMetric(last.Run.Seconds(), "s-run")
	b.ReportMetric(last.StartUp.Seconds(), "s-start-up")
	b.ReportMetric(last.CPU.Total().Seconds(), "s-cpu")
	b.Log(last)
}

// BenchmarkServices100 applies 100 Knative Services at once on envtest and
// reports the wall time until all are Ready (target: under 5 s on 2
// cores). Each iteration starts its own envtest.
func BenchmarkServices100(b *testing.B) {
	var last controlplanebench.ServicesResult
	for b.Loop() {
		res, err := controlplanebench.Services(context.Background(), controlplanebench.ServicesConfig{Services: 100})
		if err != nil {
			b.Fatal(err)
		}
		last = res
	}
	b.ReportMetric(last.Elapsed.Seconds(), "s-to-ready")
	b.ReportMetric(float64(last.Writes)/float64(last.Config.Services), "writes/service")
	b.ReportMetric(last.CPU.Total().Seconds(), "s-cpu")
	b.Log(last)
}

// TestSmall checks both harnesses end to end: a few Services on envtest,
// and hey-burst on the memory plane (whose start-up takes milliseconds).
func TestSmall(t *testing.T) {
	svc, err := controlplanebench.Services(context.Background(), controlplanebench.ServicesConfig{Services: 3})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Ready != 3 || svc.Elapsed <= 0 || svc.Writes == 0 {
		t.Errorf("services: %+v", svc)
	}
	t.Log(svc)

	sc, err := controlplanebench.Scenario(context.Background(), controlplanebench.ScenarioConfig{ControlPlane: scenario.Memory})
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Passed || sc.Requests < 110000 || sc.Run <= 0 || sc.ControlPlane != string(scenario.Memory) {
		t.Errorf("scenario: %+v", sc)
	}
	t.Log(sc)
}
