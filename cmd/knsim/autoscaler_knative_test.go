package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// knativeData holds the conformance cases: each directory has trace.csv,
// optionally config-autoscaler.yaml, annotations.yaml and flags, and
// knative.csv, the output of Knative's own decider (tools/knativeref,
// `make knative-ref`).
const knativeData = "testdata/knative/"

// decisionRow is one parsed row of `knsim autoscaler replay` output.
type decisionRow struct {
	Time, Desired, EBC int64
	Stable, Panic      float64
	PanicMode          bool
}

// columns names decisionRow's fields in output order, for messages.
var columns = []string{"time", "desired", "stable", "panic", "panic_mode", "ebc"}

func (r decisionRow) values() []string {
	return []string{
		strconv.FormatInt(r.Time, 10), strconv.FormatInt(r.Desired, 10),
		strconv.FormatFloat(r.Stable, 'f', -1, 64), strconv.FormatFloat(r.Panic, 'f', -1, 64),
		strconv.FormatBool(r.PanicMode), strconv.FormatInt(r.EBC, 10),
	}
}

func parseDecisions(t *testing.T, name, data string) []decisionRow {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(columns, ",") {
		t.Fatalf("%s: header %v, want %v", name, recs[:min(1, len(recs))], columns)
	}
	rows := make([]decisionRow, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		var r decisionRow
		var errs [6]error
		r.Time, errs[0] = strconv.ParseInt(rec[0], 10, 64)
		r.Desired, errs[1] = strconv.ParseInt(rec[1], 10, 32)
		r.Stable, errs[2] = strconv.ParseFloat(rec[2], 64)
		r.Panic, errs[3] = strconv.ParseFloat(rec[3], 64)
		r.PanicMode, errs[4] = rec[4] == "1", nil
		if rec[4] != "0" && rec[4] != "1" {
			errs[4] = fmt.Errorf("%q is not 0 or 1", rec[4])
		}
		r.EBC, errs[5] = strconv.ParseInt(rec[5], 10, 32)
		for c, err := range errs {
			if err != nil {
				t.Fatalf("%s:%d: column %s: %v", name, i+2, columns[c], err)
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// sixthDecimal is the tolerance for stable and panic: the references come
// from Knative Serving v0.42.2, which floors window averages to six
// decimals, while Knative rounds them since v0.45 (knative/serving#15940),
// as knsim does; the two differ by at most one unit in the sixth decimal
// (desired and ebc are not affected).
const sixthDecimal = 1.5e-6

// floatsClose is the tolerance for stable and panic: one unit in the sixth
// decimal, or 1e-9 relative.
func floatsClose(a, b float64) bool {
	return a == b || math.Abs(a-b) <= max(sixthDecimal, 1e-9*math.Max(math.Abs(a), math.Abs(b)))
}

// firstDifference names the first tick and column where got (knsim) and
// want (Knative) differ.
func firstDifference(got, want []decisionRow) string {
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		same := []bool{g.Time == w.Time, g.Desired == w.Desired, floatsClose(g.Stable, w.Stable),
			floatsClose(g.Panic, w.Panic), g.PanicMode == w.PanicMode, g.EBC == w.EBC}
		gv, wv := g.values(), w.values()
		for c, ok := range same {
			if !ok {
				return fmt.Sprintf("first difference at row %d (time %ds), column %s: knsim %s, Knative %s",
					i+1, w.Time, columns[c], gv[c], wv[c])
			}
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("knsim has %d rows, Knative %d", len(got), len(want))
	}
	return ""
}

// TestAutoscalerReplayMatchesKnative replays every conformance trace with
// its settings through `knsim autoscaler replay` and compares each tick with
// the decisions of Knative's own autoscaler code on the same trace.
func TestAutoscalerReplayMatchesKnative(t *testing.T) {
	tests := []struct {
		name string
		// covers says what the case exercises.
		covers string
	}{
		{"step-panic", "panic mode: start, extension, end a stable window later"},
		{"gradual-decline", "max-scale-down-rate"},
		{"idle-to-zero", "decider to 0 when idle, then no data for a stable window"},
		{"bursty-random", "random bursts (fixed seed), missing seconds"},
		{"rps-target", "rps metric with a target annotation"},
		{"weighted-exponential", "weighted-exponential averaging with a gap"},
		{"activation-scale", "activation-scale"},
		{"scale-down-delay", "scale-down-delay on absolute Unix seconds"},
		{"max-scale-up-rate", "max-scale-up-rate"},
		{"tbc-minus-1", "target-burst-capacity -1: ebc -1, no scraping, empty windows read as 0"},
		{"tbc-0", "target-burst-capacity 0: ebc 0"},
		{"tbc-211-cc10", "target-burst-capacity 211 with containerConcurrency 10 (ConfigMap manifest)"},
		{"ready-pods", "the ready_pods column; created in panic mode"},
		{"initial-scale", "initial-scale 3: created in panic mode with pods following the decisions"},
		{"unreachable", "an unreachable revision: no scale-down floor"},
		{"panic-settings", "odd stable window, panic window and threshold percentages"},
		{"annotations", "target, utilization, panic window and threshold, window annotations; target capped by containerConcurrency"},
		{"zero-initial-scale", "initial scale 0, weighted-exponential, long silence"},
		{"long-window", "1 h stable window, 100% panic window, tiny and huge values, gaps"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(knativeData, tc.name)
			args := []string{"autoscaler", "replay", "--trace", filepath.Join(dir, "trace.csv")}
			for flag, file := range map[string]string{"--config": "config-autoscaler.yaml", "--annotations": "annotations.yaml"} {
				if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
					args = append(args, flag, filepath.Join(dir, file))
				}
			}
			if raw, err := os.ReadFile(filepath.Join(dir, "flags")); err == nil {
				for _, line := range strings.Split(string(raw), "\n") {
					if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
						args = append(args, line)
					}
				}
			}
			stdout, stderr, err := runKnsim(t, args...)
			if err != nil {
				t.Fatalf("knsim %s: %v\n%s", strings.Join(args, " "), err, stderr)
			}
			ref, err := os.ReadFile(filepath.Join(dir, "knative.csv"))
			if err != nil {
				t.Fatalf("%v (make knative-ref writes it)", err)
			}
			got := parseDecisions(t, "knsim output", stdout)
			want := parseDecisions(t, filepath.Join(dir, "knative.csv"), string(ref))
			if len(want) == 0 {
				t.Fatalf("%s has no rows", filepath.Join(dir, "knative.csv"))
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, sixthDecimal)); diff != "" {
				t.Errorf("knsim %s differs from Knative: %s\n(-Knative +knsim):\n%s",
					strings.Join(args, " "), firstDifference(got, want), diff)
			}
		})
	}
	entries, err := os.ReadDir(knativeData)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !seen[e.Name()] {
			t.Errorf("%s%s has no test case", knativeData, e.Name())
		}
	}
}
