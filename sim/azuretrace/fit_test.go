package azuretrace

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFitExecTime(t *testing.T) {
	// By hand: Φ⁻¹(0.99) = 2.326348, ln 10 = 2.302585 (ln 0.1 = −2.302585),
	// ln 2.5 = 0.916291; sigma = 2.302585 / 2.326348 = 0.989785 and
	// 0.916291 / 2.326348 = 0.393875.
	tests := []struct {
		name     string
		p50, p99 float64
		want     ExecTime
	}{
		{"tenfold tail", 100, 1000, ExecTime{Mu: -2.302585, Sigma: 0.989785}},
		{"one second median, 2.5 s p99", 1000, 2500, ExecTime{Mu: 0, Sigma: 0.393875}},
		{"no spread", 200, 200, ExecTime{Mu: math.Log(0.2), Sigma: 0}},
		{"p99 below p50", 200, 150, ExecTime{Mu: math.Log(0.2), Sigma: 0}},
		{"zero milliseconds", 0, 0, ExecTime{Mu: math.Log(0.001), Sigma: 0}},
		{"zero median, 10 ms tail", 0, 10, ExecTime{Mu: math.Log(0.001), Sigma: 0.989785}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := FitExecTime(tc.p50, tc.p99)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
				t.Errorf("fit (-want +got):\n%s", diff)
			}
		})
	}
}

// The fit gives back the percentiles it was fitted to.
func TestFitExecTimeQuantiles(t *testing.T) {
	tests := []struct {
		name     string
		p50, p99 float64
	}{
		{"fast", 3, 40},
		{"typical", 180, 2100},
		{"slow", 60000, 61000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := FitExecTime(tc.p50, tc.p99)
			got := []float64{e.MedianMs(), e.Quantile(0.5), e.Quantile(0.99)}
			want := []float64{tc.p50, tc.p50, tc.p99}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
				t.Errorf("p50, p50, p99 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMemoryPerFunction(t *testing.T) {
	tests := []struct {
		name      string
		appMb     float64
		functions int
		want      int
	}{
		{"one function", 150, 1, 150},
		{"even split", 300, 3, 100},
		{"rounded up", 100, 3, 34},
		{"fraction", 128.2, 1, 129},
		{"at least 1Mi", 0.2, 5, 1},
		{"no memory", 0, 4, 1},
		{"no functions counts as one", 64, 0, 64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MemoryPerFunction(tc.appMb, tc.functions); got != tc.want {
				t.Errorf("MemoryPerFunction(%g, %d) = %d, want %d", tc.appMb, tc.functions, got, tc.want)
			}
		})
	}
}
