package gate

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var approx = cmpopts.EquateApprox(0, 1e-12)

func TestWilcoxonSignedRank(t *testing.T) {
	tests := []struct {
		name string
		d    []float64
		alt  Alternative
		want SignedRank
	}{
		// Five positive differences: only 1 of the 2^5 sign patterns is as
		// extreme, the smallest p a 5-seed paired test can give.
		{"five positive", []float64{0.1, 0.2, 0.3, 0.4, 0.5}, Greater, SignedRank{N: 5, WPlus: 15, P: 1.0 / 32}},
		{"five positive, other side", []float64{0.1, 0.2, 0.3, 0.4, 0.5}, Less, SignedRank{N: 5, WPlus: 15, P: 1}},
		// Published table (n = 10): P(W+ <= 10) = 43/1024 = 0.0420.
		{"n=10 W=10", []float64{1, 2, 3, 4, -5, -6, -7, -8, -9, -10}, Less, SignedRank{N: 10, WPlus: 10, P: 43.0 / 1024}},
		// Zeros are dropped: three positive differences left.
		{"zeros dropped", []float64{0, 1, 2, 0, 3}, Greater, SignedRank{N: 3, WPlus: 6, P: 1.0 / 8}},
		// Three tied magnitudes share rank 2: W+ over the 8 patterns is
		// 0, 2, 2, 2, 4, 4, 4, 6, and 4 of them are >= 4.
		{"ties", []float64{1, 1, -1}, Greater, SignedRank{N: 3, WPlus: 4, P: 0.5}},
		{"all zero", []float64{0, 0, 0}, Greater, SignedRank{N: 0, P: 1}},
		// Mixed signs: ranks 1..4, W+ = 1+4 = 5. The subsets of {1,2,3,4}
		// by sum (0 to 10) number 1,1,1,2,2,2,2,2,1,1,1: 9 of 16 reach 5.
		{"mixed", []float64{0.1, -0.2, -0.3, 0.4}, Greater, SignedRank{N: 4, WPlus: 5, P: 9.0 / 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WilcoxonSignedRank(tt.d, tt.alt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("WilcoxonSignedRank(%v) (-want +got):\n%s", tt.d, diff)
			}
		})
	}
	if _, err := WilcoxonSignedRank([]float64{math.NaN()}, Greater); err == nil {
		t.Error("a NaN difference was accepted")
	}
}

func TestMannWhitney(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		alt  Alternative
		want RankSum
	}{
		// Complete separation of 5 and 5: 1 of C(10,5) = 252 splits.
		{"separated 5x5", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, Greater, RankSum{U: 25, P: 1.0 / 252}},
		{"separated 5x5, other side", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, Less, RankSum{U: 25, P: 1}},
		// n = m = 4, U = 15: P(U >= 15) = 2/70 (published tables: 0.0286).
		{"4x4 U=15", []float64{1, 2, 3, 5}, []float64{4, 6, 7, 8}, Greater, RankSum{U: 15, P: 2.0 / 70}},
		// Ties: midranks 1, 2.5, 2.5, 4; y's sum 6.5 is reached by 2 of
		// the 6 splits.
		{"ties", []float64{1, 2}, []float64{2, 3}, Greater, RankSum{U: 3.5, P: 2.0 / 6}},
		{"identical", []float64{1, 1, 1}, []float64{1, 1, 1}, Greater, RankSum{U: 4.5, P: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MannWhitney(tt.x, tt.y, tt.alt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("MannWhitney(%v, %v) (-want +got):\n%s", tt.x, tt.y, diff)
			}
		})
	}
	if _, err := MannWhitney(nil, []float64{1}, Greater); err == nil {
		t.Error("an empty sample was accepted")
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		v    []float64
		want float64
	}{
		{"odd", []float64{3, 1, 2}, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"one", []float64{7}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Median(tt.v); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
}
