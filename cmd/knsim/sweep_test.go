package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"

	"github.com/knsim/knsim/sim/sweep"
)

const sweepFile = "../../sim/sweep/testdata/grid.yaml"

// knsim runs the CLI with args and returns what it printed.
func knsim(t *testing.T, args ...string) string {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		t.Fatalf("knsim %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// tree reads every file under dir, by relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSweepWorkersAndShardsAgree sweeps the tiny memory-plane scenario with
// one worker, with two, and as two shards merged: the folders must be
// byte-identical.
func TestSweepWorkersAndShardsAgree(t *testing.T) {
	one, two := t.TempDir(), t.TempDir()
	knsim(t, "sweep", "-q", "--workers", "1", "--out", one, sweepFile)
	got := knsim(t, "sweep", "-q", "--workers", "2", "--out", two, sweepFile)
	if want := "sweep: 8 points, 0 done before, 8 run now, 2 seeds each"; !strings.HasPrefix(got, want) {
		t.Errorf("sweep printed %q, want it to start with %q", got, want)
	}
	want := tree(t, one)
	if n := len(want); n != 2+16 {
		t.Fatalf("one worker wrote %d files, want sweep.json, summary.json and 16 runs", n)
	}
	if diff := cmp.Diff(want, tree(t, two)); diff != "" {
		t.Errorf("two workers differ from one (-one +two):\n%s", diff)
	}

	shards := t.TempDir()
	var dirs []string
	for _, i := range []string{"0", "1"} {
		t.Setenv("JOB_COMPLETION_INDEX", i)
		dir := filepath.Join(shards, "shard-"+i)
		got := knsim(t, "sweep", "-q", "--shards", "2", "--out", dir, sweepFile)
		if !strings.HasPrefix(got, "shard "+i+" of 2: 4 points") {
			t.Errorf("shard %s printed %q", i, got)
		}
		if _, err := os.Stat(filepath.Join(dir, "summary.json")); err == nil {
			t.Errorf("shard %s wrote a summary; only merge does", i)
		}
		dirs = append(dirs, dir)
	}
	merged := filepath.Join(shards, "merged")
	got = knsim(t, append([]string{"merge", "--out", merged}, dirs...)...)
	if !strings.HasPrefix(got, "merged 2 folders: 8 points with results ->") {
		t.Errorf("merge printed %q", got)
	}
	if diff := cmp.Diff(want, tree(t, merged)); diff != "" {
		t.Errorf("merged shards differ from the unsharded sweep (-unsharded +merged):\n%s", diff)
	}
}

func TestSweepPrintJob(t *testing.T) {
	got := knsim(t, "sweep", "--shards", "4", "--print-job", "--image", "registry.example/knsim:v1", sweepFile)
	job := &batchv1.Job{}
	if err := yaml.UnmarshalStrict([]byte(got), job); err != nil {
		t.Fatalf("the printed Job does not decode: %v\n%s", err, got)
	}
	c := job.Spec.Template.Spec.Containers[0]
	type shape struct {
		Mode        string
		Completions int32
		Image       string
		Args        []string
	}
	want := shape{"Indexed", 4, "registry.example/knsim:v1",
		[]string{"sweep", sweepFile, "--shards", "4", "--workers", "1", "--out", "/results/shard-$(JOB_COMPLETION_INDEX)"}}
	if diff := cmp.Diff(want, shape{string(*job.Spec.CompletionMode), *job.Spec.Completions, c.Image, c.Args}); diff != "" {
		t.Errorf("printed Job (-want +got):\n%s", diff)
	}
}

func TestSweepBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"shards without an index", []string{"--shards", "2"}, "", "--shards 2 needs --shard or JOB_COMPLETION_INDEX"},
		{"index not a number", []string{"--shards", "2"}, "x", `JOB_COMPLETION_INDEX "x" is not a number`},
		{"shard out of range", []string{"--shards", "2", "--shard", "2"}, "", "shard 2 is outside 0..1"},
		{"no shards", []string{"--shards", "0"}, "", "--shards must be at least 1"},
		{"job without image", []string{"--print-job"}, "", "the Job needs an image (--image)"},
		{"bad control plane", []string{"--control-plane", "cloud"}, "", `--control-plane must be envtest or memory, got "cloud"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("JOB_COMPLETION_INDEX", tc.env)
			root := newRootCommand()
			root.SetOut(&bytes.Buffer{})
			root.SetErr(&bytes.Buffer{})
			root.SetArgs(append(append([]string{"sweep", "--out", t.TempDir()}, tc.args...), sweepFile))
			err := root.Execute()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestReportOnSweep: knsim report on a sweep folder names the recommended
// point and writes sweep.md and sweep.html.
func TestReportOnSweep(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	knsim(t, "sweep", "-q", "--out", dir, sweepFile)
	got := knsim(t, "report", "--out", out, "--objective", "latency.p99", "--constraint", "pods.max <= 1", dir)
	if !strings.HasPrefix(got, "Point ") || !strings.Contains(got, "of the 6 of 8 points meeting `pods.max <= 1`") {
		t.Errorf("report printed %q", got)
	}
	md, err := os.ReadFile(filepath.Join(out, "sweep.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| point | target |") {
		t.Errorf("sweep.md lacks the points table:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(out, "sweep.html")); err != nil {
		t.Error(err)
	}
	root := newRootCommand()
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	root.SetArgs([]string{"report", "--out", out, "--constraint", "latency.p99 < fast", dir})
	if err := root.Execute(); err == nil || !strings.Contains(err.Error(), "--constraint") {
		t.Errorf("a bad constraint: %v, want an error naming --constraint", err)
	}
}

// TestSweepBar: off a terminal the bar writes a line at each further tenth
// of the points, with the elapsed time and the ETA.
func TestSweepBar(t *testing.T) {
	var b bytes.Buffer
	bar := newSweepBar(&b)
	for _, p := range []sweep.Progress{
		{Done: 1, Total: 20, Elapsed: 2 * time.Second, ETA: 38 * time.Second},
		{Done: 2, Total: 20, Elapsed: 4 * time.Second, ETA: 36 * time.Second},
		{Done: 3, Total: 20, Elapsed: 6 * time.Second, ETA: 34 * time.Second},
		{Done: 20, Total: 20, Elapsed: 40 * time.Second},
	} {
		bar.update(p)
	}
	bar.done()
	want := "sweep: 2/20 points, 4s elapsed, ETA 36s\nsweep: 20/20 points, 40s elapsed, done\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("progress lines (-want +got):\n%s", diff)
	}
}
