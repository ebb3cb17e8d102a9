package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/gate"
)

// runGate runs knsim gate with args and returns its stdout and error.
func runGate(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(append([]string{"gate"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// copyGate copies testdata/gate into a temporary folder.
func copyGate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"tiny.yaml", "tiny.gate.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "gate", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func exitCode(err error) int {
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

// TestGateEndToEnd records a baseline, passes on unchanged code, and fails
// once the scenario's service time is 30 % longer.
func TestGateEndToEnd(t *testing.T) {
	dir := copyGate(t)
	gateFile := filepath.Join(dir, "tiny.gate.yaml")
	out := filepath.Join(dir, "out")
	if _, err := runGate(t, "--update-baseline", "--out", out, gateFile); err != nil {
		t.Fatalf("--update-baseline: %v", err)
	}
	bl, err := gate.ReadBaseline(filepath.Join(dir, "tiny.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]uint64{1, 2, 3, 4, 5}, bl.Provenance.Seeds); diff != "" {
		t.Errorf("baseline seeds (-want +got):\n%s", diff)
	}

	stdout, err := runGate(t, "--out", out, gateFile)
	if err != nil {
		t.Fatalf("unchanged code: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "### knsim gate tiny: passed") || strings.Contains(stdout, "regression |") {
		t.Errorf("unchanged code, want a passed table:\n%s", stdout)
	}

	// The same seeds read back from the runs' results JSON.
	if _, err := runGate(t, "--results", filepath.Join(out, "runs"), "--out", out, gateFile); err != nil {
		t.Errorf("--results of unchanged runs: %v", err)
	}

	// --plant slows every service time down: the gate must catch it.
	if _, err := runGate(t, "--plant", "1.3", "--out", out, gateFile); exitCode(err) != 1 {
		t.Errorf("--plant 1.3: %v, want a regression (exit 1)", err)
	}
	// --plant-setting changes a setting of the candidate (here the service
	// time's lognormal mu, e^0.26: 30 % longer): caught too.
	if _, err := runGate(t, "--plant-setting", "workloads[tiny].serviceTime.mu=-2.04", "--out", out, gateFile); exitCode(err) != 1 {
		t.Errorf("--plant-setting: %v, want a regression (exit 1)", err)
	}
	// A setting that changes nothing the gate watches passes.
	if _, err := runGate(t, "--plant-setting", "services[tiny].annotations[autoscaling.knative.dev/window]=90s", "--out", out, gateFile); err != nil {
		t.Errorf("--plant-setting of an unwatched setting: %v, want a pass", err)
	}

	scen := filepath.Join(dir, "tiny.yaml")
	b, err := os.ReadFile(scen)
	if err != nil {
		t.Fatal(err)
	}
	slower := strings.Replace(string(b), "mu: -2.3", "mu: -2.04", 1) // e^0.26: 30 % longer
	if err := os.WriteFile(scen, []byte(slower), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, err = runGate(t, "--out", out, gateFile)
	if code := exitCode(err); code != 1 {
		t.Fatalf("planted regression: exit %d (%v), want 1\n%s", code, err, stdout)
	}
	if !strings.Contains(err.Error(), "regression in gate tiny") {
		t.Errorf("planted regression: error %q does not name the gate", err)
	}
	if !strings.Contains(stdout, "| gate-tiny | `latency.p50` | lower |") || !strings.Contains(stdout, "❌ regression") {
		t.Errorf("planted regression: table lacks the latency regression:\n%s", stdout)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	jb, err := os.ReadFile(filepath.Join(out, "tiny.junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(jb, &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 2 || suites.Failures < 1 {
		t.Errorf("JUnit: %d tests, %d failures; want 2 tests, at least 1 failure", suites.Tests, suites.Failures)
	}
	rep, err := os.ReadFile(filepath.Join(out, "tiny.results.json"))
	if err != nil || !bytes.Contains(rep, []byte(`"verdict": "regression"`)) {
		t.Errorf("results JSON lacks the regression (%v)", err)
	}
}

func TestGateErrors(t *testing.T) {
	dir := copyGate(t)
	bad := filepath.Join(dir, "bad.gate.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nscenarios: [{file: tiny.yaml}]\nmetrics:\n  - metric: latency.p42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missingScenario := filepath.Join(dir, "missing.gate.yaml")
	if err := os.WriteFile(missingScenario, []byte("name: missing\nscenarios: [{file: nowhere.yaml}]\nmetrics: [{metric: pods.max}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad gate file", []string{bad}, bad + ":4:13: metric: unknown metric"},
		{"missing scenario", []string{missingScenario}, "nowhere.yaml"},
		{"no baseline", []string{"--baseline", filepath.Join(dir, "none.json"), filepath.Join(dir, "tiny.gate.yaml")}, "write one with knsim gate --update-baseline"},
		{"bad flag mix", []string{"--results", dir, "--calibrate", bad}, "--results reads finished runs"},
		{"plant and update", []string{"--plant", "2", "--update-baseline", bad}, "does not go with --update-baseline"},
		{"plant-setting and update", []string{"--plant-setting", "a=b", "--update-baseline", bad}, "does not go with --update-baseline"},
		{"plant-setting without =", []string{"--plant-setting", "services[tiny].annotations[autoscaling.knative.dev/window]", filepath.Join(dir, "tiny.gate.yaml")}, `--plant-setting "services[tiny].annotations[autoscaling.knative.dev/window]": want PATH=VALUE`},
		{"plant-setting of no scenario", []string{"--plant-setting", "services[nope].annotations[autoscaling.knative.dev/window]=90s", filepath.Join(dir, "tiny.gate.yaml")}, "fits no scenario of gate tiny"},
		{"plant-setting the stack refuses", []string{"--plant-setting", "services[tiny].annotations[autoscaling.knative.dev/window]=1ms", filepath.Join(dir, "tiny.gate.yaml")}, "planted setting services[tiny].annotations[autoscaling.knative.dev/window]=1ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runGate(t, append(tt.args, "--out", filepath.Join(dir, "out"))...)
			if code := exitCode(err); code != 2 {
				t.Fatalf("exit %d (%v), want 2", code, err)
			}
			if !strings.HasPrefix(err.Error(), "error: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want one starting with \"error: \" and containing %q", err, tt.want)
			}
		})
	}
}
