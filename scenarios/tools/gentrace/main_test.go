package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/knsim/knsim/sim/traffic"
)

// The committed traces and Services are what the generator makes: the
// scenarios that replay them depend on every count.
func TestCommittedFilesAreGenerated(t *testing.T) {
	for _, c := range []struct {
		file   string
		rotate int
	}{
		{"../../traces/azure-diurnal-20.csv", 0},
		{"../../traces/azure-diurnal-20-from-13h45.csv", 13*60 + 45},
	} {
		rows := Generate(1)
		if c.rotate != 0 {
			rows = Rotate(rows, c.rotate)
		}
		var b bytes.Buffer
		if err := Write(&b, rows); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b.Bytes()) {
			t.Errorf("%s is stale: regenerate it with go run ./scenarios/tools/gentrace (see the package comment)", c.file)
		}
	}
	svc, err := os.ReadFile("../../testdata/azure-diurnal-20-services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(svc) != Services() {
		t.Error("testdata/azure-diurnal-20-services.yaml is stale: regenerate it with -services")
	}
}

// The same seed gives the same trace; another seed another one.
func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	Write(&a, Generate(1))
	Write(&b, Generate(1))
	Write(&c, Generate(2))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("seed 1 gave two different traces")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("seeds 1 and 2 gave the same trace")
	}
}

// The trace has the workload facts the scenarios rely on, and the
// runner's parser reads it.
func TestWorkloadFacts(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Generate(1)); err != nil {
		t.Fatal(err)
	}
	fns, err := traffic.ParseAzureTrace("generated", &b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 20 {
		t.Fatalf("%d functions, want 20", len(fns))
	}
	totals := make([]int, len(fns))
	all, hourly, minutely := 0, 0, 0
	for i, f := range fns {
		for _, n := range f.PerMinute {
			totals[i] += n
		}
		all += totals[i]
		if totals[i] <= 24 {
			hourly++
		}
		if totals[i] <= 1440 {
			minutely++
		}
	}
	top := totals[0] + totals[1] + totals[2] + totals[3]
	if share := float64(top) / float64(all); share < 0.99 {
		t.Errorf("the 4 heaviest functions make %.2f%% of the invocations, want > 99%%", 100*share)
	}
	if hourly != 9 {
		t.Errorf("%d functions invoked at most once an hour, want 9 (45%%)", hourly)
	}
	if minutely != 16 {
		t.Errorf("%d functions invoked at most once a minute, want 16 (80%%)", minutely)
	}
	if totals[0] < 1000*totals[10] {
		t.Errorf("rates should span orders of magnitude: %d vs %d", totals[0], totals[10])
	}
	// Diurnal: the heaviest function's afternoon is busier than its night.
	night, afternoon := 0, 0
	for m := 2 * 60; m < 4*60; m++ {
		night += fns[0].PerMinute[m]
	}
	for m := 13 * 60; m < 15*60; m++ {
		afternoon += fns[0].PerMinute[m]
	}
	if afternoon < 4*night {
		t.Errorf("fn-00: %d invocations 13:00-15:00, %d 02:00-04:00; want a diurnal peak", afternoon, night)
	}
}
