package gate

import (
	"fmt"
	"math"
	"slices"
)

// Verdict is the outcome of comparing one metric.
type Verdict string

// The verdicts.
const (
	// Regression: significantly worse by at least the minimum effect (or
	// outside a fixed band on the worse side). The gate fails.
	Regression Verdict = "regression"
	// Improvement: significantly better by at least the minimum effect.
	Improvement Verdict = "improvement"
	// Unchanged: the estimated change is smaller than the minimum effect.
	Unchanged Verdict = "unchanged"
	// Inconclusive: a change of at least the minimum effect was estimated
	// but the seeds could not show it was not noise, or data is missing.
	Inconclusive Verdict = "inconclusive"
)

// Row is the comparison of one scenario's metric.
type Row struct {
	Scenario  string     `json:"scenario"`
	Metric    string     `json:"metric"`
	Better    string     `json:"better"`
	MinEffect float64    `json:"minEffect"`
	Test      string     `json:"test"`
	Baseline  []*float64 `json:"baseline,omitempty"`
	Range     *Range     `json:"range,omitempty"`
	Candidate []*float64 `json:"candidate"`
	// BaselineMedian and CandidateMedian are over the seeds with data.
	BaselineMedian  *float64 `json:"baselineMedian,omitempty"`
	CandidateMedian *float64 `json:"candidateMedian,omitempty"`
	// Change is the estimated relative change, candidate over baseline
	// (+0.1: 10 % higher), positive whichever direction is better.
	Change *float64 `json:"change,omitempty"`
	// PWorse and PBetter are the one-sided p-values.
	PWorse  *float64 `json:"pWorse,omitempty"`
	PBetter *float64 `json:"pBetter,omitempty"`
	// N is the number of pairs (paired test) or candidate values used.
	N       int     `json:"n"`
	Verdict Verdict `json:"verdict"`
	// Note explains an inconclusive verdict or a fallback.
	Note string `json:"note,omitempty"`
}

// Compare judges one metric: base and cand hold one value per seed
// (nil: no data), aligned so that base[i] and cand[i] ran with the same
// seed when paired is true. test is PairedTest or UnpairedTest.
func Compare(m Metric, base, cand []*float64, test string, paired bool, alpha float64) Row {
	row := Row{Metric: m.Name(), Better: "lower", MinEffect: m.MinEffect, Test: test, Baseline: base, Candidate: cand}
	if m.Higher {
		row.Better = "higher"
	}
	if test == PairedTest && !paired {
		test = UnpairedTest
		row.Test = UnpairedTest
		row.Note = "baseline and candidate seeds differ: unpaired test"
	}
	var b, c, diffs []float64
	for i := range max(len(base), len(cand)) {
		var bv, cv *float64
		if i < len(base) {
			bv = base[i]
		}
		if i < len(cand) {
			cv = cand[i]
		}
		if bv != nil {
			b = append(b, *bv)
		}
		if cv != nil {
			c = append(c, *cv)
		}
		if test == PairedTest && bv != nil && cv != nil {
			diffs = append(diffs, *cv-*bv)
		}
	}
	if len(b) > 0 {
		row.BaselineMedian = ptr(Median(b))
	}
	if len(c) > 0 {
		row.CandidateMedian = ptr(Median(c))
	}
	n := len(c)
	if test == PairedTest {
		n = len(diffs)
	}
	row.N = n
	if n < 2 || len(b) < 2 {
		row.Verdict = Inconclusive
		row.Note = join(row.Note, "fewer than 2 seeds with data on both sides")
		return row
	}
	scale := math.Abs(Median(b))
	if scale == 0 {
		scale = 1
		row.Note = join(row.Note, "baseline median is 0: change is absolute")
	}
	// Orient so that positive is worse.
	sign := 1.0
	if m.Higher {
		sign = -1
	}
	var worse float64 // estimated relative worsening
	var pw, pb float64
	if test == PairedTest {
		rel := make([]float64, len(diffs))
		for i, d := range diffs {
			rel[i] = sign * d / scale
		}
		worse = Median(rel)
		w, err := WilcoxonSignedRank(rel, Greater)
		if err != nil {
			return errRow(row, err)
		}
		bt, _ := WilcoxonSignedRank(rel, Less)
		pw, pb = w.P, bt.P
	} else {
		worse = sign * (Median(c) - Median(b)) / scale
		alt, other := Greater, Less
		if m.Higher {
			alt, other = Less, Greater
		}
		w, err := MannWhitney(b, c, alt)
		if err != nil {
			return errRow(row, err)
		}
		bt, _ := MannWhitney(b, c, other)
		pw, pb = w.P, bt.P
	}
	row.Change = ptr(sign * worse)
	row.PWorse, row.PBetter = ptr(pw), ptr(pb)
	switch {
	case pw <= alpha && worse >= m.MinEffect:
		row.Verdict = Regression
	case pb <= alpha && -worse >= m.MinEffect:
		row.Verdict = Improvement
	case math.Abs(worse) < m.MinEffect:
		row.Verdict = Unchanged
	default:
		row.Verdict = Inconclusive
		row.Note = join(row.Note, fmt.Sprintf("a change of %+.1f%% is not significant at alpha %g over %d seeds", 100*sign*worse, alpha, n))
	}
	return row
}

// CompareRange judges one metric against a fixed band: the candidate's
// median over the seeds must lie within it.
func CompareRange(m Metric, r *Range, cand []*float64) Row {
	row := Row{Metric: m.Name(), Better: "lower", MinEffect: m.MinEffect, Test: "range", Range: r, Candidate: cand}
	if m.Higher {
		row.Better = "higher"
	}
	var c []float64
	for _, v := range cand {
		if v != nil {
			c = append(c, *v)
		}
	}
	row.N = len(c)
	if len(c) == 0 {
		row.Verdict = Inconclusive
		row.Note = "no seed has data"
		return row
	}
	med := Median(c)
	row.CandidateMedian = ptr(med)
	below := r.Min != nil && med < *r.Min
	above := r.Max != nil && med > *r.Max
	switch {
	case below && !m.Higher || above && m.Higher:
		row.Verdict = Improvement
		row.Note = "outside the band on the better side: tighten it"
	case below:
		row.Verdict = Regression
		row.Note = "below min: " + r.MinSource
	case above:
		row.Verdict = Regression
		row.Note = "above max: " + r.MaxSource
	default:
		row.Verdict = Unchanged
	}
	return row
}

func errRow(row Row, err error) Row {
	row.Verdict = Inconclusive
	row.Note = join(row.Note, err.Error())
	return row
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func ptr(v float64) *float64 { return &v }

// MinP is the smallest one-sided p-value test can give with k seeds a side:
// 2^-k for the signed-rank test, 1/C(2k, k) for the rank-sum test. A gate
// whose alpha is below it could never report a regression.
func MinP(test string, k int) float64 {
	if test == PairedTest {
		return math.Pow(2, -float64(k))
	}
	p := 1.0
	for i := 1; i <= k; i++ {
		p = p * float64(i) / float64(k+i)
	}
	return p
}

// Compare judges every metric of the measurements against the baseline,
// in the gate's order.
func (l *Loaded) Compare(bl *Baseline, m *Measurements) []Row {
	paired := slices.Equal(bl.Provenance.Seeds, m.Seeds)
	var rows []Row
	for i, s := range m.Scenarios {
		for _, met := range l.Metrics[i] {
			cand := s.Values[met.Name()]
			var bm *BaselineMetric
			if bs := bl.Scenarios[s.Name]; bs != nil {
				bm = bs.Metrics[met.Name()]
			}
			var row Row
			switch {
			case bm == nil:
				row = Row{Metric: met.Name(), Better: "lower", MinEffect: met.MinEffect, Test: l.Test, Candidate: cand,
					Verdict: Inconclusive, Note: "not in the baseline: run knsim gate --update-baseline"}
				if met.Higher {
					row.Better = "higher"
				}
				var c []float64
				for _, v := range cand {
					if v != nil {
						c = append(c, *v)
					}
				}
				if len(c) > 0 {
					row.CandidateMedian = ptr(Median(c))
				}
			case bm.Range != nil:
				row = CompareRange(met, bm.Range, cand)
			default:
				row = Compare(met, bm.Values, cand, l.Test, paired, l.Alpha)
			}
			row.Scenario = s.Name
			rows = append(rows, row)
		}
	}
	return rows
}

// Failed reports whether any row is a regression.
func Failed(rows []Row) bool {
	return slices.ContainsFunc(rows, func(r Row) bool { return r.Verdict == Regression })
}
