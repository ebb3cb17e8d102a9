package gate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/expect"
)

func vals(v ...float64) []*float64 {
	out := make([]*float64, len(v))
	for i := range v {
		out[i] = &v[i]
	}
	return out
}

func TestCompare(t *testing.T) {
	lower := Metric{Ref: expect.Ref{Metric: "latency.p50"}, Kind: expect.DurationKind, MinEffect: 0.05}
	higher := Metric{Ref: expect.Ref{Metric: "requests.rate"}, Kind: expect.NumberKind, Higher: true, MinEffect: 0.05}
	base := vals(100, 102, 98, 101, 99)
	tests := []struct {
		name   string
		m      Metric
		base   []*float64
		cand   []*float64
		test   string
		paired bool
		want   Verdict
		change float64 // want Row.Change, when the verdict has one
	}{
		{"identical", lower, base, vals(100, 102, 98, 101, 99), PairedTest, true, Unchanged, 0},
		{"10% slower on every seed", lower, base, vals(110, 112.2, 107.8, 111.1, 108.9), PairedTest, true, Regression, 0.1},
		{"10% faster on every seed", lower, base, vals(90, 91.8, 88.2, 90.9, 89.1), PairedTest, true, Improvement, -0.1},
		// Significant (every seed worse) but by 2 %: below the minimum effect.
		{"small but consistent", lower, base, vals(102, 104.04, 99.96, 103.02, 100.98), PairedTest, true, Unchanged, 0.02},
		// 10 % worse in the median, but one seed better: p = 2/32 > 0.05.
		{"large but mixed", lower, base, vals(110, 112.2, 90, 111.1, 108.9), PairedTest, true, Inconclusive, 0.1},
		// Higher is better: a 10 % drop in throughput is a regression.
		{"throughput drop", higher, base, vals(90, 91.8, 88.2, 90.9, 89.1), PairedTest, true, Regression, -0.1},
		{"throughput gain", higher, base, vals(110, 112.2, 107.8, 111.1, 108.9), PairedTest, true, Improvement, 0.1},
		// Unpaired: complete separation of 5 and 5 gives p = 1/252.
		{"unpaired regression", lower, base, vals(120, 121, 119, 122, 118), UnpairedTest, false, Regression, 0.2},
		// Seeds differ: the paired test falls back to the unpaired one.
		{"paired, seeds differ", lower, base, vals(120, 121, 119, 122, 118), PairedTest, false, Regression, 0.2},
		{"missing data", lower, vals(1), vals(2), PairedTest, true, Inconclusive, 0},
		{"nil values skipped", lower, []*float64{nil, base[1], base[2], base[3], base[4]}, vals(110, 112.2, 107.8, 111.1, 108.9), PairedTest, true, Inconclusive, 0.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := Compare(tt.m, tt.base, tt.cand, tt.test, tt.paired, 0.05)
			if row.Verdict != tt.want {
				t.Errorf("verdict = %s, want %s (row %+v)", row.Verdict, tt.want, row)
			}
			if row.Change != nil {
				if diff := cmp.Diff(tt.change, *row.Change, approx3); diff != "" {
					t.Errorf("change (-want +got):\n%s", diff)
				}
			}
		})
	}
}

var approx3 = cmp.Comparer(func(a, b float64) bool { return a-b < 1e-3 && b-a < 1e-3 })

func TestCompareRange(t *testing.T) {
	lo, hi := 0.5, 2.0
	r := &Range{Min: &lo, MinSource: "floor", Max: &hi, MaxSource: "Knative's threshold"}
	lower := Metric{Ref: expect.Ref{Metric: "coldstarts.p50"}, Kind: expect.DurationKind}
	higher := Metric{Ref: expect.Ref{Metric: "requests.rate"}, Higher: true}
	tests := []struct {
		name string
		m    Metric
		cand []*float64
		want Verdict
		note string
	}{
		{"inside", lower, vals(1, 1.5, 1.9), Unchanged, ""},
		{"above max, lower better", lower, vals(2.1, 2.5, 1.9), Regression, "above max: Knative's threshold"},
		{"below min, lower better", lower, vals(0.1, 0.2, 0.3), Improvement, "outside the band on the better side: tighten it"},
		{"below min, higher better", higher, vals(0.1, 0.2, 0.3), Regression, "below min: floor"},
		{"median decides", lower, vals(1, 1, 9), Unchanged, ""},
		{"no data", lower, []*float64{nil}, Inconclusive, "no seed has data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := CompareRange(tt.m, r, tt.cand)
			if diff := cmp.Diff([]string{string(tt.want), tt.note}, []string{string(row.Verdict), row.Note}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMinP(t *testing.T) {
	tests := []struct {
		test string
		k    int
		want float64
	}{
		{PairedTest, 5, 1.0 / 32},
		{PairedTest, 4, 1.0 / 16},
		{UnpairedTest, 5, 1.0 / 252},
		{UnpairedTest, 3, 1.0 / 20},
	}
	for _, tt := range tests {
		if got := MinP(tt.test, tt.k); cmp.Diff(tt.want, got, approx) != "" {
			t.Errorf("MinP(%s, %d) = %v, want %v", tt.test, tt.k, got, tt.want)
		}
	}
}
