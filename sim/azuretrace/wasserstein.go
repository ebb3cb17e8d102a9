package azuretrace

import (
	"math"
	"slices"
)

// Wasserstein is the first Wasserstein (earth mover's) distance between
// the empirical distributions of a and b, each value weighing 1/len:
// ∫|F_a(x) − F_b(x)| dx over the two step CDFs, as scipy.stats'
// wasserstein_distance computes it. It is NaN when either is empty.
func Wasserstein(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return wassersteinSorted(a, b)
}

// wassersteinSorted is Wasserstein of two sorted, non-empty slices, in
// one merge: the sample selection compares many samples with one sorted
// population.
func wassersteinSorted(a, b []float64) float64 {
	na, nb := float64(len(a)), float64(len(b))
	prev := min(a[0], b[0])
	d := 0.0
	i, j := 0, 0 // values of a and b below the current point
	for i < len(a) || j < len(b) {
		var x float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			x = a[i]
		} else {
			x = b[j]
		}
		d += math.Abs(float64(i)/na-float64(j)/nb) * (x - prev)
		prev = x
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
	}
	return d
}
