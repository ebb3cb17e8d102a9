// Package knativeperf_test checks the scenario files of Knative Serving's
// performance suite: every file loads, names its sources and labels, the
// quick ones run on the memory control plane with the verdicts they are
// meant to give, and the real-mode ones on the wall clock when asked for.
package knativeperf_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// files are the scenario files of this folder (rollout-probe/ holds only
// manifests).
func files(t *testing.T) []string {
	t.Helper()
	fs, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(fs)
	return fs
}

// unmet lists the files that are not gates and the expectations they fail
// on purpose: Knative's own SLA there is below what any pod start allows
// (docs/knative-perf.md).
var unmet = map[string][]string{
	"scale-from-zero-1.yaml": {"latency.p95 <= 50ms", "latency.max <= 50ms"},
	"scale-from-zero-5.yaml": {"latency.p95 <= 50ms", "latency.max <= 50ms"},
}

func TestScenariosLoad(t *testing.T) {
	want := []string{
		"dataplane-probe-real.yaml", "dataplane-probe.yaml", "load-test.yaml", "reconciliation-delay.yaml", "rollout-probe.yaml",
		"scale-from-zero-1.yaml", "scale-from-zero-100.yaml", "scale-from-zero-25.yaml", "scale-from-zero-5.yaml",
	}
	if diff := cmp.Diff(want, files(t)); diff != "" {
		t.Errorf("scenario files (-want +got):\n%s", diff)
	}
	for _, f := range files(t) {
		t.Run(f, func(t *testing.T) {
			sc, err := scenario.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			md := sc.Metadata
			if !strings.HasPrefix(md.Name, "knative-") {
				t.Errorf("name %q: want the knative- prefix (results sit beside the shipped scenarios')", md.Name)
			}
			if md.ControlPlane != scenario.Envtest {
				t.Errorf("controlPlane %q, want envtest", md.ControlPlane)
			}
			_, isUnmet := unmet[f]
			isReal := md.Mode == scenario.Real
			if got := slices.Contains(md.Labels, "gate"); got == (isUnmet || isReal) {
				t.Errorf("labels %v: gate must be there unless the file fails Knative's SLA on purpose or runs in real mode (the gate runs on the memory plane)", md.Labels)
			}
			if got := slices.Contains(md.Labels, "real"); got != isReal {
				t.Errorf("labels %v: the real label must be there exactly when the file runs in real mode (mode %q)", md.Labels, md.Mode)
			}
			if !slices.Contains(md.Labels, "knative-perf") {
				t.Errorf("labels %v: want knative-perf", md.Labels)
			}
			exprs, err := sc.Expectations()
			if err != nil {
				t.Fatal(err)
			}
			if len(exprs) == 0 {
				t.Error("no expectations")
			}
			// Every file says where in Knative's benchmark each threshold
			// comes from.
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"test/performance/benchmarks/", "main.go", "SLA"} {
				if !strings.Contains(string(src), s) {
					t.Errorf("no %q: cite the benchmark and its SLAs", s)
				}
			}
		})
	}
}

// slow are the files that take more than a few seconds on the memory plane
// (the load test sends 2.16 million requests: about 30 s); KNSIM_LONG=1
// runs them too.
var slow = map[string]bool{"load-test.yaml": true}

func TestScenariosRunOnMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs scenarios")
	}
	for _, f := range files(t) {
		t.Run(f, func(t *testing.T) {
			if slow[f] && os.Getenv("KNSIM_LONG") == "" {
				t.Skipf("%s takes about 30 s: set KNSIM_LONG=1", f)
			}
			sc, err := scenario.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Metadata.Mode == scenario.Real {
				t.Skipf("%s runs in real mode: TestScenariosRunReal", f)
			}
			res, err := runner.Run(context.Background(), sc, runner.Options{ControlPlane: scenario.Memory})
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, o := range res.Expectations {
				if !o.Pass {
					failed = append(failed, o.Expr)
				}
			}
			if diff := cmp.Diff(unmet[f], failed); diff != "" {
				t.Errorf("failed expectations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScenariosRunReal runs the real-mode files (label real) on the wall
// clock: an envtest control plane and the real shells on loopback HTTP,
// about a minute each with the apiserver's start. They run only when asked
// for, KNSIM_REAL=1 or KNSIM_LONG=1, as their bounds are for a loaded
// machine but their minute is long for the default suite.
func TestScenariosRunReal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs scenarios")
	}
	for _, f := range files(t) {
		sc, err := scenario.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Metadata.Mode != scenario.Real {
			continue
		}
		t.Run(f, func(t *testing.T) {
			if os.Getenv("KNSIM_REAL") == "" && os.Getenv("KNSIM_LONG") == "" {
				t.Skipf("%s runs %s of wall time on an envtest apiserver: set KNSIM_REAL=1", f, sc.Metadata.Duration.D())
			}
			// The control plane's controllers log through controller-runtime.
			logf.SetLogger(zap.New(zap.WriteTo(io.Discard)))
			res, err := runner.RunReal(context.Background(), sc, runner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, o := range res.Expectations {
				t.Logf("%s: %s", map[bool]string{true: "pass", false: "FAIL"}[o.Pass], o.Observed)
				if !o.Pass {
					failed = append(failed, o.Expr)
				}
			}
			if diff := cmp.Diff([]string(nil), failed); diff != "" {
				t.Errorf("failed expectations (-want +got):\n%s", diff)
			}
		})
	}
}
