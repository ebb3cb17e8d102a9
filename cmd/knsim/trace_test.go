package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/azuretrace"
	"github.com/knsim/knsim/sim/results"
)

// traceFixture is a day of the dataset in its published format: 30
// functions (sim/azuretrace/testdata/d01).
const traceFixture = "../../sim/azuretrace/testdata/d01"

// TestTraceImportRuns imports the fixture's 8 busiest functions of
// minutes 601-603 and runs the scenario on the memory control plane:
// every invocation of the window is served, without errors.
func TestTraceImportRuns(t *testing.T) {
	out := t.TempDir()
	stdout, _, err := runKnsim(t, "trace", "import", "--dir", traceFixture, "--day", "1",
		"--top", "8", "--minutes", "601-603", "--name", "noon", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	// the window's invocations of the 8, from the files themselves.
	day, err := azuretrace.ReadDay(traceFixture, 1)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := azuretrace.Select(day, azuretrace.Options{Window: azuretrace.Window{From: 601, To: 603}, Top: 8})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range sel.Functions {
		want += f.Invocations
	}
	if !strings.Contains(stdout, "selected: 8 functions, ") || !regexp.MustCompile(`Wasserstein distance to the population: \d+\.\d{4} in log10`).MatchString(stdout) {
		t.Errorf("the import printed:\n%s", stdout)
	}
	scenarioFile := filepath.Join(out, "noon.yaml")
	resDir := t.TempDir()
	stdout, stderr, err := runKnsim(t, "run", "--control-plane", "memory", "--quiet", "--out", resDir, scenarioFile)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, stdout, stderr)
	}
	res, err := results.Read(filepath.Join(resDir, "noon.virtual-memory.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := []int{res.Requests.Total, res.Requests.Errors, len(res.Requests.ByService)}
	if diff := cmp.Diff([]int{want, 0, 8}, got); diff != "" {
		t.Errorf("requests, errors, Services (-want +got):\n%s", diff)
	}
	if !res.Passed {
		t.Errorf("the run failed its expectations:\n%s", stdout)
	}
}

func TestTraceImportErrors(t *testing.T) {
	badDir := t.TempDir()
	for _, f := range []string{"invocations_per_function_md.anon.d01.csv", "app_memory_percentiles.anon.d01.csv"} {
		b, err := os.ReadFile(filepath.Join(traceFixture, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(badDir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	durations := "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n" +
		"o,a,f,12,3,1,20,1,1,5,10,15,19,20\n" +
		"o,a,g,12,3,1,20,1,1,5,ten,15,19,20\n"
	if err := os.WriteFile(filepath.Join(badDir, "function_durations_percentiles.anon.d01.csv"), []byte(durations), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad number", []string{"--dir", badDir}, `DIR/function_durations_percentiles.anon.d01.csv:3:23: percentile_Average_50: expected a non-negative number, got "ten"`},
		{"missing day", []string{"--dir", traceFixture, "--day", "3"}, "open FIXTURE/invocations_per_function_md.anon.d03.csv: no such file or directory"},
		{"bad window", []string{"--dir", traceFixture, "--minutes", "600-1500"}, "--minutes: expected A-B with 1 <= A <= B <= 1440, got 600-1500"},
		{"top and sample", []string{"--dir", traceFixture, "--top", "3", "--sample", "3"}, "if any flags in the group [top sample] are set none of the others can be; [sample top] were all set"},
		{"bad name", []string{"--dir", traceFixture, "--name", "Noon"}, `name: expected a DNS-1123 label (lowercase letters, digits and '-', at most 63), got "Noon"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"trace", "import", "--out", t.TempDir()}, tc.args...)
			_, _, err := runKnsim(t, args...)
			got := "<nil>"
			if err != nil {
				got = strings.ReplaceAll(strings.ReplaceAll(err.Error(), badDir, "DIR"), traceFixture, "FIXTURE")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
