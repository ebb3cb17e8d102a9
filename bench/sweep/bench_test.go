package sweepbench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/knsim/knsim/sim/sweep"
)

// BenchmarkSweep runs the shipped benchmark's first two points, with two
// workers, on azure-peak (the same 20 Services over the day's busiest
// quarter hour) instead of the whole day.
func BenchmarkSweep(b *testing.B) {
	body, err := os.ReadFile("azure-diurnal-50.sweep.yaml")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	short := strings.Replace(string(body), "scenario: ../../scenarios/azure-diurnal.yaml", "scenario: "+scenariosDir(b)+"/azure-peak.yaml", 1)
	file := filepath.Join(dir, "short.sweep.yaml")
	if err := os.WriteFile(file, []byte(short), 0o644); err != nil {
		b.Fatal(err)
	}
	f, err := sweep.Load(file)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := filepath.Join(dir, "out", strconv.Itoa(i)) // a fresh folder: nothing to resume
		if _, err := sweep.Run(context.Background(), f, sweep.Options{Out: out, Workers: 2, MaxPoints: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(b.N)/b.Elapsed().Minutes(), "points/min")
}

func scenariosDir(b *testing.B) string {
	d, err := filepath.Abs("../../scenarios")
	if err != nil {
		b.Fatal(err)
	}
	return d
}
