package azuretrace

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestWasserstein(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
		want float64
	}{
		// scipy.stats.wasserstein_distance's documented examples.
		{"shifted", []float64{0, 1, 3}, []float64{5, 6, 8}, 5},
		{"different sizes", []float64{3.4, 3.9, 7.5, 7.8}, []float64{4.5, 1.4}, 2.7},
		// by hand: the mass moves as far as the means differ when one
		// side is a point.
		{"points", []float64{0}, []float64{1}, 1},
		{"point and pair", []float64{0, 2}, []float64{1}, 1},
		{"alike", []float64{1, 2, 2, 5}, []float64{5, 2, 1, 2}, 0},
		{"duplicated sample", []float64{1, 2, 3}, []float64{1, 1, 2, 2, 3, 3}, 0},
		{"unsorted", []float64{3, 0, 1}, []float64{8, 6, 5}, 5},
		// |F_a − F_b| is 1/2 on [0, 1) and [2, 3): 1/2 + 1/2.
		{"half moved", []float64{0, 2}, []float64{1, 3}, 1},
		{"empty", nil, []float64{1}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := slices.Clone(tc.a), slices.Clone(tc.b)
			got := Wasserstein(a, b)
			if !(math.Abs(got-tc.want) < 1e-12 || math.IsNaN(got) && math.IsNaN(tc.want)) {
				t.Errorf("Wasserstein(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if back := Wasserstein(b, a); !(back == got || math.IsNaN(back) && math.IsNaN(got)) {
				t.Errorf("not symmetric: %v one way, %v the other", got, back)
			}
			if !slices.Equal(a, tc.a) || !slices.Equal(b, tc.b) {
				t.Errorf("the inputs were changed: %v, %v", a, b)
			}
		})
	}
}

// For samples of one size, W1 is the mean distance between the sorted
// values (the quantile form), a second way to compute it.
func TestWassersteinEqualSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		n := 1 + r.IntN(20)
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i], b[i] = r.NormFloat64(), 3*r.Float64()
		}
		got := Wasserstein(a, b)
		slices.Sort(a)
		slices.Sort(b)
		want := 0.0
		for i := range a {
			want += math.Abs(a[i]-b[i]) / float64(n)
		}
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("Wasserstein(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
}
