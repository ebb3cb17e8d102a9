package azuretrace

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestServiceNames(t *testing.T) {
	long := strings.Repeat("ab", 32)
	tests := []struct {
		name   string
		hashes []string
		want   []string
	}{
		{"distinct", []string{"0a1b2c3d4e5f", "ffeeddccbbaa"}, []string{"fn-0a1b2c3d", "fn-ffeeddcc"}},
		{"shared prefix grows", []string{"12345678aaaa1", "12345678bbbb2", "99999999"},
			[]string{"fn-12345678aaaa", "fn-12345678bbbb", "fn-99999999"}},
		{"longer shared prefix grows twice", []string{"12345678aaaa0000", "12345678aaaa1111"},
			[]string{"fn-12345678aaaa0000", "fn-12345678aaaa1111"}},
		{"case and punctuation", []string{"ABCDEF01_x", "abcdef01x", "Ab.cd"},
			[]string{"fn-abcdef01x", "fn-abcdef01x-2", "fn-abcd"}},
		{"alike up to 40 digits", []string{long + "1", long + "2"},
			[]string{"fn-" + long[:40], "fn-" + long[:40] + "-2"}},
		{"no letters or digits", []string{"--", "__"}, []string{"fn", "fn-2"}},
	}
	label := regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ServiceNames(tc.hashes)
			if diff := gocmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			for _, n := range got {
				if !label.MatchString(n) || len(n)+len("-00001") > 63 {
					t.Errorf("%q is not a DNS-1035 label whose Revisions' names fit in 63", n)
				}
			}
		})
	}
}

// TestWriteScenarioGolden imports the fixture's 8 busiest functions of
// minutes 601-605 and compares the written files with
// testdata/golden/ (go test -update rewrites them); the scenario loads.
func TestWriteScenarioGolden(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"top8", Options{Window: Window{From: 601, To: 605}, Top: 8, Seed: 1}},
		{"sample6", Options{Window: Window{From: 1, To: 120}, Sample: 6, Seed: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Select(fixture(t), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path, err := sel.WriteScenario(dir, "azure-"+tc.name)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"azure-" + tc.name + ".yaml", "services.yaml", "traces/azure-" + tc.name + ".csv"} {
				got, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", tc.name, f)
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (go test -update writes it)", err)
				}
				if diff := gocmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", golden, diff)
				}
			}
			sc, err := scenario.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			// every function is a Service with its memory and its fitted
			// execution time, and the trace maps every hash to it.
			names := ServiceNames(hashes(sel.Functions))
			mapped := map[string]string{}
			for _, tr := range sc.Traffic {
				for h, svc := range tr.Trace.Map {
					mapped[h] = svc
				}
			}
			mem := memoryRequests(t, sc)
			for i, f := range sel.Functions {
				if want := strconv.Itoa(f.MemoryMi()) + "Mi"; mem[names[i]] != want {
					t.Errorf("%s requests %q of memory, want %s", names[i], mem[names[i]], want)
				}
				if mapped[f.Function] != names[i] {
					t.Errorf("%s maps to %q, want %q", f.Function[:8], mapped[f.Function], names[i])
				}
				wl, ok := sc.Workloads[names[i]]
				if !ok {
					t.Fatalf("no workload for %s", names[i])
				}
				e := f.ExecTime()
				if d := wl.ServiceTime; d.Sigma != roundTo(e.Sigma, 3) || d.Mu != roundTo(e.Mu, 3) {
					t.Errorf("%s: service time %v, want lognormal mu %.3f sigma %.3f", names[i], d, e.Mu, e.Sigma)
				}
			}
			if sc.Metadata.Duration.D() != sel.ScenarioOptions("x").Duration {
				t.Errorf("duration %s", sc.Metadata.Duration)
			}
		})
	}
}

func hashes(fns []Function) []string {
	out := make([]string, len(fns))
	for i, f := range fns {
		out[i] = f.Function
	}
	return out
}

func roundTo(v float64, digits int) float64 {
	scale := math.Pow(10, float64(digits))
	return math.Round(v*scale) / scale
}

// memoryRequests reads every Service's memory request from the
// scenario's manifests.
func memoryRequests(t *testing.T, sc *scenario.Scenario) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range sc.Manifests {
		for _, o := range m.Objects {
			if o.GetKind() != "Service" {
				continue
			}
			cs, _, err := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
			if err != nil || len(cs) != 1 {
				t.Fatalf("%s: containers %v (%v)", o.GetName(), cs, err)
			}
			mem, _, _ := unstructured.NestedString(cs[0].(map[string]any), "resources", "requests", "memory")
			out[o.GetName()] = mem
		}
	}
	return out
}

func TestWriteScenarioOverLimit(t *testing.T) {
	d := fixture(t)
	// three functions at 4 million invocations in minute 700 each.
	for i := range 3 {
		d.Invocations[i].PerMinute[699] = 4_000_000
	}
	tests := []struct {
		name string
		top  int
		want string
	}{
		{"two fit", 2, ""},
		{"three do not", 3, "minute 700: the 3 functions chosen invoke 12000000 times, over the limit of 10000000 per minute of a trace; choose fewer functions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Select(d, Options{Window: Window{From: 700, To: 700}, Top: tc.top})
			if err != nil {
				t.Fatal(err)
			}
			_, err = sel.WriteScenario(t.TempDir(), "x")
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
