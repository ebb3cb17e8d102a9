package gate

import (
	"errors"
	"math"
	"slices"
	"sort"
)

// Alternative names the direction a one-sided test looks in.
type Alternative int

// The alternatives of a one-sided test.
const (
	// Greater asks whether the candidate's values tend to be larger.
	Greater Alternative = iota
	// Less asks whether the candidate's values tend to be smaller.
	Less
)

// maxExact bounds the sample sizes the exact distributions are computed
// for; the tables grow with n² (signed-rank) or n·m·(n+m) (rank-sum), which
// stays small far beyond the seed counts a gate runs.
const maxExact = 200

// ErrTooLarge is returned for samples beyond maxExact.
var ErrTooLarge = errors.New("sample too large for the exact distribution (at most 200 values)")

// midranks returns the ranks (1-based, ties sharing their mean rank) of
// values, doubled so that they are integers.
func midranks(values []float64) []int {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return values[idx[a]] < values[idx[b]] })
	r := make([]int, len(values))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && values[idx[j+1]] == values[idx[i]] {
			j++
		}
		// Ranks i+1..j+1 share their mean; doubled: i+j+2.
		for k := i; k <= j; k++ {
			r[idx[k]] = i + j + 2
		}
		i = j + 1
	}
	return r
}

// SignedRank is the result of a Wilcoxon signed-rank test.
type SignedRank struct {
	// N is the number of non-zero differences the test used.
	N int
	// WPlus is the sum of the ranks of the positive differences (ties
	// share their mean rank).
	WPlus float64
	// P is the exact one-sided p-value for the alternative asked.
	P float64
}

// WilcoxonSignedRank tests whether the paired differences d are
// symmetric around zero against the one-sided alternative alt (Greater:
// the differences tend to be positive). Zero differences are dropped
// (Wilcoxon's convention); ties among the others share their mean rank.
// P is exact: the share of the 2^N equally likely sign assignments whose
// positive rank sum is at least as extreme as the one observed, counted
// with the tied ranks as they are (the conditional null distribution), so
// it is exact for the 5 to 10 seeds a gate runs, where normal
// approximations are poor. With no non-zero difference P is 1.
func WilcoxonSignedRank(d []float64, alt Alternative) (SignedRank, error) {
	var abs []float64
	var pos []bool
	for _, v := range d {
		if math.IsNaN(v) {
			return SignedRank{}, errors.New("a difference is NaN")
		}
		if v != 0 {
			abs = append(abs, math.Abs(v))
			pos = append(pos, v > 0)
		}
	}
	n := len(abs)
	if n == 0 {
		return SignedRank{N: 0, P: 1}, nil
	}
	if n > maxExact {
		return SignedRank{}, ErrTooLarge
	}
	r := midranks(abs)
	total, wplus := 0, 0
	for i, x := range r {
		total += x
		if pos[i] {
			wplus += x
		}
	}
	// count[s]: sign assignments whose doubled positive rank sum is s.
	count := make([]float64, total+1)
	count[0] = 1
	reach := 0
	for _, x := range r {
		for s := reach; s >= 0; s-- {
			if count[s] != 0 {
				count[s+x] += count[s]
			}
		}
		reach += x
	}
	var tail float64
	for s, c := range count {
		if alt == Greater && s >= wplus || alt == Less && s <= wplus {
			tail += c
		}
	}
	return SignedRank{N: n, WPlus: float64(wplus) / 2, P: tail / math.Pow(2, float64(n))}, nil
}

// RankSum is the result of a Mann-Whitney U test.
type RankSum struct {
	// U is the Mann-Whitney statistic of y: the number of pairs (x, y)
	// with y > x, ties counting one half.
	U float64
	// P is the exact one-sided p-value for the alternative asked.
	P float64
}

// MannWhitney tests whether y (the candidate) tends to be larger (Greater)
// or smaller (Less) than x (the baseline), the samples being independent.
// P is exact: every way of splitting the pooled midranks into groups of
// len(x) and len(y) is equally likely under the null hypothesis, and P is
// the share of them whose rank sum of y is at least as extreme as the one
// observed (ties are kept as midranks, the conditional null distribution).
func MannWhitney(x, y []float64, alt Alternative) (RankSum, error) {
	m, n := len(x), len(y)
	if m == 0 || n == 0 {
		return RankSum{}, errors.New("both samples need at least one value")
	}
	if m+n > maxExact {
		return RankSum{}, ErrTooLarge
	}
	pooled := append(slices.Clone(x), y...)
	for _, v := range pooled {
		if math.IsNaN(v) {
			return RankSum{}, errors.New("a value is NaN")
		}
	}
	r := midranks(pooled)
	total, ry := 0, 0
	for i, v := range r {
		total += v
		if i >= m {
			ry += v
		}
	}
	// ways[k][s]: subsets of k of the ranks seen so far with doubled sum s.
	ways := make([][]float64, n+1)
	for k := range ways {
		ways[k] = make([]float64, total+1)
	}
	ways[0][0] = 1
	for _, v := range r {
		for k := n; k >= 1; k-- {
			for s := total - v; s >= 0; s-- {
				if ways[k-1][s] != 0 {
					ways[k][s+v] += ways[k-1][s]
				}
			}
		}
	}
	var tail, all float64
	for s, c := range ways[n] {
		all += c
		if alt == Greater && s >= ry || alt == Less && s <= ry {
			tail += c
		}
	}
	u := float64(ry)/2 - float64(n*(n+1))/2
	return RankSum{U: u, P: tail / all}, nil
}

// Median is the median of v (the mean of the middle two for an even
// count); NaN for no values.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	h := len(s) / 2
	if len(s)%2 == 1 {
		return s[h]
	}
	return (s[h-1] + s[h]) / 2
}
