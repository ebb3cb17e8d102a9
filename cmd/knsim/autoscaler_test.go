package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files of the autoscaler replay tests")

const replayData = "testdata/autoscaler/"

// runKnsim runs the knsim command in-process.
func runKnsim(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := newRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestAutoscalerReplayGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"step.golden.csv", []string{"--trace", replayData + "step.csv"}},
		{"step-cc10.golden.csv", []string{"--trace", replayData + "step.csv", "--container-concurrency", "10", "--extra"}},
		{"idle.golden.csv", []string{"--trace", replayData + "idle.csv", "--extra", "--until", "300"}},
		{"idle-delay.golden.csv", []string{"--trace", replayData + "idle.csv", "--scale-down-delay", "30s", "--annotation", "window=20s"}},
		{"ramp.golden.csv", []string{"--trace", replayData + "ramp.csv"}},
		{"ramp-weighted.golden.csv", []string{"--trace", replayData + "ramp.csv",
			"--metric-aggregation-algorithm", "weighted-exponential", "--precision", "3"}},
		{"ramp-rps.golden.csv", []string{"--trace", replayData + "ramp.csv", "--metric", "rps", "--target", "100"}},
		{"ramp-config.golden.csv", []string{"--trace", replayData + "ramp.csv",
			"--config", replayData + "config-autoscaler.yaml", "--annotations", replayData + "service.yaml", "--extra"}},
		{"ramp-flat-config.golden.csv", []string{"--trace", replayData + "ramp.csv",
			"--config", replayData + "flat-config.yaml", "--max-scale-up-rate", "3", "--target-burst-capacity", "-1"}},
		{"ready.golden.csv", []string{"--trace", replayData + "ready.csv", "--extra"}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			stdout, stderr, err := runKnsim(t, append([]string{"autoscaler", "replay"}, tc.args...)...)
			if err != nil {
				t.Fatalf("replay: %v\n%s", err, stderr)
			}
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			path := filepath.Join(replayData, tc.golden)
			if *update {
				if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/knsim -run TestAutoscalerReplayGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), stdout); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

func TestAutoscalerReplayOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "decisions.csv")
	stdout, _, err := runKnsim(t, "autoscaler", "replay", "--trace", replayData+"step.csv", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "" {
		t.Errorf("stdout with --out: %q", stdout)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(replayData + "step.golden.csv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("--out file (-want +got):\n%s", diff)
	}
}

func TestAutoscalerReplayErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badTrace := write("bad.csv", "second,concurrency\n0,1\n1,x\n")
	badConfig := write("bad-config.yaml", "stable-window: 5s\n")
	nested := write("nested.yaml", "stable-window:\n  value: 5s\n")
	twoCMs := write("two.yaml", "kind: ConfigMap\nmetadata:\n  name: a\n---\nkind: ConfigMap\nmetadata:\n  name: b\n")
	jump := write("jump.csv", "second,concurrency\n0,1\n1700000000,1\n")
	huge := write("huge.csv", "second,concurrency\n0,1e308\n1,1e308\n2,1e308\n")
	pipe := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no trace flag", nil, `required flag(s) "trace" not set`},
		{"missing trace", []string{"--trace", filepath.Join(dir, "none.csv")}, "open " + filepath.Join(dir, "none.csv") + ": no such file or directory"},
		{"bad trace", []string{"--trace", badTrace}, badTrace + `:3: column concurrency: "x" is not a number`},
		{"bad config flag", []string{"--trace", badTrace, "--stable-window", "1m1"}, `config-autoscaler: stable-window: invalid duration "1m1" (want e.g. 60s, 1m30s)`},
		{"bad config file", []string{"--trace", badTrace, "--config", badConfig}, "config-autoscaler: stable-window: 5s must be in [6s, 1h0m0s]"},
		{"nested config", []string{"--trace", badTrace, "--config", nested}, nested + `: data: key "stable-window": want a scalar value`},
		{"ambiguous configmaps", []string{"--trace", badTrace, "--config", twoCMs}, twoCMs + ": no ConfigMap named config-autoscaler"},
		{"bad annotation flag", []string{"--trace", badTrace, "--window", "5s"}, "expected 6s <= 5s <= 1h0m0s: metadata.annotations.autoscaling.knative.dev/window"},
		{"bad annotation syntax", []string{"--trace", badTrace, "--annotation", "target"}, `--annotation "target": want KEY=VALUE`},
		{"hpa class", []string{"--trace", badTrace, "--class", "hpa.autoscaling.knative.dev"}, `autoscaler class "hpa.autoscaling.knative.dev": replay runs the KPA (kpa.autoscaling.knative.dev) only`},
		{"negative cc", []string{"--trace", badTrace, "--container-concurrency", "-1"}, "--container-concurrency must not be negative, got -1"},
		{"seconds jump from 0 to a Unix time", []string{"--trace", jump},
			jump + ":3: column second: 1700000000 is 1700000000 s after the first row (0); a replay spans at most 2678400 s (31 days)"},
		{"until the largest int64", []string{"--trace", replayData + "step.csv", "--until", "9223372036854775807"},
			"until 9223372036854775807 s is outside 0..2678400 s (31 days from the first row)"},
		{"concurrency 1e308", []string{"--trace", huge}, huge + ":2: column concurrency: 1e308 is over the limit of 1e+07"},
		{"trace is a device", []string{"--trace", "/dev/zero"}, "/dev/zero is a device, not a regular file"},
		{"trace is a named pipe", []string{"--trace", pipe}, pipe + " is a named pipe, not a regular file"},
		{"config is a device", []string{"--trace", jump, "--config", "/dev/zero"}, "/dev/zero is a device, not a regular file"},
		{"rps without column", []string{"--trace", replayData + "step.csv", "--metric", "rps"}, replayData + `step.csv: metric is rps but the trace has no "rps" column`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runKnsim(t, append([]string{"autoscaler", "replay"}, tc.args...)...)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAutoscalerReplayWarnsUnknownKeys(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "typo.yaml")
	if err := os.WriteFile(cfg, []byte("stabel-window: 30s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runKnsim(t, "autoscaler", "replay", "--trace", replayData+"step.csv", "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := `unknown config-autoscaler key "stabel-window" ignored`; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not contain %q", stderr, want)
	}
}

func TestAutoscalerHelp(t *testing.T) {
	stdout, _, err := runKnsim(t, "autoscaler", "replay", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--stable-window", "--scale-to-zero-pod-retention-period", "--target ", "--annotation ",
		"follow the decisions", "time,desired,stable,panic,panic_mode,ebc"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
