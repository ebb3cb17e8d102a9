package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	testingclock "k8s.io/utils/clock/testing"
)

// TestRerunRunsNothing: a rerun of a finished sweep skips every point and
// leaves every file as it was; a lost run is run again, alone.
func TestRerunRunsNothing(t *testing.T) {
	out, rep := runSweep(t, "testdata/grid.yaml", Options{Workers: 2})
	if diff := cmp.Diff(&Report{Points: 8, Ran: 8}, rep); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	before := snapshot(t, out)
	_, rep = runSweep(t, "testdata/grid.yaml", Options{Workers: 2, Out: out})
	if diff := cmp.Diff(&Report{Points: 8, Skipped: 8}, rep); diff != "" {
		t.Errorf("rerun (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, snapshot(t, out)); diff != "" {
		t.Errorf("the rerun changed the folder (-before +after):\n%s", diff)
	}

	if err := os.Remove(filepath.Join(out, RunFile(5, 2))); err != nil {
		t.Fatal(err)
	}
	_, rep = runSweep(t, "testdata/grid.yaml", Options{Workers: 2, Out: out})
	if diff := cmp.Diff(&Report{Points: 8, Skipped: 7, Ran: 1}, rep); diff != "" {
		t.Errorf("rerun after losing a run (-want +got):\n%s", diff)
	}
	after := snapshot(t, out)
	for name, b := range before {
		if after[name].Content != b.Content {
			t.Errorf("%s differs after the lost run was run again", name)
		}
		if name != RunFile(5, 2) && after[name].Mod != b.Mod {
			t.Errorf("%s was rewritten", name)
		}
	}
}

type fileState struct {
	Content string
	Mod     time.Time
}

func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = fileState{Content: string(b), Mod: info.ModTime()}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOtherSweepInFolder(t *testing.T) {
	out, _ := runSweep(t, "testdata/grid.yaml", Options{Workers: 2, MaxPoints: 1})
	f, err := Load("testdata/lhs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Out: out})
	if err == nil || !strings.Contains(err.Error(), "holds the results of another sweep") {
		t.Errorf("error %v, want one saying the folder holds another sweep", err)
	}
}

func TestBudgets(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    Options
		want    *Report
		missing []int
	}{
		{"max points", Options{Workers: 2, MaxPoints: 3},
			&Report{Points: 8, Ran: 3, Left: 5, LeftIndexes: []int{3, 4, 5, 6, 7}, Stopped: "--max-points 3 reached"}, []int{3, 4, 5, 6, 7}},
		// One worker, and a minute of wall time per point: points 0 and 1
		// start before 90s have passed, point 2 would start at 2m.
		{"time", Options{Workers: 1, Budget: 90 * time.Second},
			&Report{Points: 8, Ran: 2, Left: 6, LeftIndexes: []int{2, 3, 4, 5, 6, 7}, Stopped: "the 1m30s budget was spent"}, []int{2, 3, 4, 5, 6, 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := testingclock.NewFakePassiveClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			tc.opts.Clock = clk
			tc.opts.Progress = func(Progress) { clk.SetTime(clk.Now().Add(time.Minute)) }
			out, rep := runSweep(t, "testdata/grid.yaml", tc.opts)
			if diff := cmp.Diff(tc.want, rep); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			s, err := WriteSummary(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.missing, s.Missing); diff != "" {
				t.Errorf("summary's missing points (-want +got):\n%s", diff)
			}
			// A rerun without a budget finishes the sweep.
			_, rep = runSweep(t, "testdata/grid.yaml", Options{Workers: 2, Out: out})
			if rep.Ran != len(tc.missing) || rep.Left != 0 {
				t.Errorf("rerun ran %d points and left %d, want %d and 0", rep.Ran, rep.Left, len(tc.missing))
			}
		})
	}
}

// TestHashFollowsScenarioFiles: editing a manifest file the scenario reads
// makes another sweep, which a results folder of the old one refuses.
func TestHashFollowsScenarioFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tiny, err := os.ReadFile("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc := string(tiny)
	start := strings.Index(sc, "  - inline: |")
	end := strings.Index(sc, "prices:")
	write("svc.yaml", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec: {template: {spec: {containers: [{image: a}]}}}\n")
	write("tiny.yaml", sc[:start]+"  - file: svc.yaml\n"+sc[end:])
	write("sweep.yaml", "scenario: tiny.yaml\nparameters:\n  - {path: prices.vcpuSecond, values: [1]}\n")
	hash := func() string {
		f, err := Load(filepath.Join(dir, "sweep.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return f.Hash
	}
	before := hash()
	if again := hash(); again != before {
		t.Fatalf("the same files hash to %s and %s", before, again)
	}
	write("svc.yaml", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec: {template: {spec: {containers: [{image: b}]}}}\n")
	if after := hash(); after == before {
		t.Errorf("editing the manifest file left the hash at %s", before)
	}
}

func TestProgressETA(t *testing.T) {
	for _, tc := range []struct {
		name        string
		done, total int
		elapsed     time.Duration
		want        Progress
	}{
		{"a quarter", 1, 4, 10 * time.Second, Progress{Done: 1, Total: 4, Elapsed: 10 * time.Second, ETA: 30 * time.Second}},
		{"half", 5, 10, time.Minute, Progress{Done: 5, Total: 10, Elapsed: time.Minute, ETA: time.Minute}},
		{"done", 3, 3, time.Minute, Progress{Done: 3, Total: 3, Elapsed: time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, progressAt(tc.done, tc.total, tc.elapsed)); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
}
