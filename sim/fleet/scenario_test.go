package fleet

import (
	"bytes"
	"flag"
	"github.com/knsim/knsim/sim/expect"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// loaded is what a test checks of a loaded scenario.
type loaded struct {
	Name, Duration, ControlPlane string
	Seed                         uint64
	Nodes                        int
	NodeCPU, NodeMemory          string
	Traffic                      []string // name, spread, start, mapped functions
	Mapped                       int      // functions mapped over all entries
	Workloads                    int
	Services                     int // Knative Services in the manifests
	Expect                       []string
}

func summarize(sc *scenario.Scenario) loaded {
	l := loaded{Name: sc.Metadata.Name, Duration: sc.Metadata.Duration.D().String(), ControlPlane: string(sc.Metadata.ControlPlane),
		Seed: sc.Metadata.Seed, Workloads: len(sc.Workloads), Expect: sc.Expect}
	for _, p := range sc.Cluster.Nodes {
		l.Nodes += p.Count
		l.NodeCPU, l.NodeMemory = p.CPU.String(), p.Memory.String()
	}
	for _, t := range sc.Traffic {
		l.Traffic = append(l.Traffic, strings.Join([]string{t.Name, string(t.Trace.Spread), t.Start.D().String()}, " "))
		l.Mapped += len(t.Trace.Map)
	}
	for _, m := range sc.Manifests {
		for _, o := range m.Objects {
			if o.GetKind() == "Service" {
				l.Services++
			}
		}
	}
	return l
}

// A fleet of 100 functions writes a scenario that loads: 100 Services,
// workloads and mapped functions, 20 nodes.
func TestWriteScenarioLoads(t *testing.T) {
	f, err := Generate(Config{Functions: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, err := f.WriteScenario(dir, ScenarioOptions{Duration: time.Hour, Start: 14 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "fleet-100.yaml"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	sc, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := loaded{Name: "fleet-100", Duration: "1h0m0s", ControlPlane: "memory", Seed: 1, Nodes: 20, NodeCPU: "16", NodeMemory: "64Gi",
		Traffic: []string{"invocations uniform 10s", "timers start 10s"}, Mapped: 100, Workloads: 100, Services: 100,
		Expect: []string{"requests.errors == 0"}}
	if diff := cmp.Diff(want, summarize(sc)); diff != "" {
		t.Errorf("loaded scenario (-want +got):\n%s", diff)
	}
	// The trace starts at 14:00: its first minute is the day's minute 841.
	got, err := os.ReadFile(filepath.Join(dir, "traces", "fleet-100.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	f.Rotate(14 * time.Hour).WriteTrace(&b)
	if !bytes.Equal(got, b.Bytes()) {
		t.Error("the scenario's trace is not the fleet's day from 14:00")
	}
}

// The shipped 20 functions give the trace map and workloads of
// scenarios/azure-diurnal.yaml, which replays the shipped trace.
func TestWriteScenarioShipped(t *testing.T) {
	f, err := Generate(Config{Functions: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	path, err := f.WriteScenario(t.TempDir(), ScenarioOptions{Name: "azure-diurnal"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := scenario.Load("../../scenarios/azure-diurnal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	maps := func(sc *scenario.Scenario) map[string]map[string]string {
		m := map[string]map[string]string{}
		for _, tr := range sc.Traffic {
			m[tr.Name+" "+string(tr.Trace.Spread)] = tr.Trace.Map
		}
		return m
	}
	if diff := cmp.Diff(maps(want), maps(got)); diff != "" {
		t.Errorf("trace maps (-azure-diurnal.yaml +generated):\n%s", diff)
	}
	if diff := cmp.Diff(want.Workloads, got.Workloads); diff != "" {
		t.Errorf("workloads (-azure-diurnal.yaml +generated):\n%s", diff)
	}
	if summarize(got).Nodes != 4 {
		t.Errorf("%d nodes, want 4 as azure-diurnal.yaml", summarize(got).Nodes)
	}
}

// The scenario of a small fleet, as written (testdata/fleet-3.yaml; go
// test -update rewrites it).
func TestWriteScenarioGolden(t *testing.T) {
	f, err := Generate(Config{Functions: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, err := f.WriteScenario(dir, ScenarioOptions{Name: "fleet-3", Duration: 10 * time.Minute, Start: 9*time.Hour + 30*time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "fleet-3.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", golden, diff)
	}
	if _, err := scenario.Load(path); err != nil {
		t.Error(err)
	}
}

func TestWriteScenarioOptions(t *testing.T) {
	f, err := Generate(Config{Functions: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		o    ScenarioOptions
		want string // a substring of the error; "" for none
	}{
		{"defaults", ScenarioOptions{}, ""},
		{"whole day from noon", ScenarioOptions{Name: "a-b-1", Duration: 24 * time.Hour, Start: 12 * time.Hour}, ""},
		{"upper case", ScenarioOptions{Name: "Fleet"}, `name: expected a DNS-1123 label (lowercase letters, digits and '-', at most 63), got "Fleet"`},
		{"long name", ScenarioOptions{Name: strings.Repeat("a", 64)}, "name: expected a DNS-1123 label"},
		{"too short", ScenarioOptions{Duration: 10 * time.Second}, "duration: expected more than 10s (when traffic starts) and at most 24h (the trace's day), got 10s"},
		{"too long", ScenarioOptions{Duration: 25 * time.Hour}, "got 25h0m0s"},
		{"start in seconds", ScenarioOptions{Start: 90 * time.Second}, "start: expected a time of day in whole minutes, 0 to 23h59m, got 1m30s"},
		{"start past the day", ScenarioOptions{Start: 24 * time.Hour}, "got 24h0m0s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.WriteScenario(t.TempDir(), c.o)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if c.want == "" && err != nil || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("WriteScenario error %q, want %q", got, c.want)
			}
		})
	}
	if _, err := (&Fleet{}).WriteScenario(t.TempDir(), ScenarioOptions{}); err == nil {
		t.Error("an empty fleet wrote a scenario")
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "24h", 90 * time.Minute: "1h30m", 10 * time.Minute: "10m", 10 * time.Second: "10s",
		time.Hour + 5*time.Second: "1h0m5s", 2*time.Minute + 30*time.Second: "2m30s",
	} {
		if got := expect.FormatDuration(d); got != want {
			t.Errorf("expect.FormatDuration(%s) = %s, want %s", d, got, want)
		}
	}
}

// A fleet read from a real trace (Source set, memory requests) writes
// its provenance as comments and each Service's request; a generated one
// writes neither.
func TestWriteScenarioSource(t *testing.T) {
	base, err := Generate(Config{Functions: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	imported := *base
	imported.Source = "3 functions of a day\nof a real trace"
	imported.Functions = slices.Clone(base.Functions)
	for i := range imported.Functions {
		imported.Functions[i].Profile.MemoryMi = 100 * (i + 1)
	}
	tests := []struct {
		name     string
		f        *Fleet
		header   string
		memories []string
	}{
		{"generated", base, "# A synthetic serverless fleet, written by knsim's fleet generator\n", []string{"", "", ""}},
		{"imported", &imported, "# 3 functions of a day\n# of a real trace.\n", []string{"100Mi", "200Mi", "300Mi"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, err := tc.f.WriteScenario(dir, ScenarioOptions{Duration: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(b), tc.header) {
				t.Errorf("the scenario starts with %q, want %q", strings.SplitAfterN(string(b), "\n", 3)[:2], tc.header)
			}
			sc, err := scenario.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range sc.Manifests {
				for _, o := range m.Objects {
					if o.GetKind() != "Service" {
						continue
					}
					cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
					mem, _, _ := unstructured.NestedString(cs[0].(map[string]any), "resources", "requests", "memory")
					got = append(got, mem)
				}
			}
			if diff := cmp.Diff(tc.memories, got); diff != "" {
				t.Errorf("memory requests (-want +got):\n%s", diff)
			}
		})
	}
}
