package metrics

import (
	"math"
	"time"
)

const (
	// minAlpha is the smallest decay factor of the weighted average: with
	// very long windows the weights would otherwise approach a plain mean.
	minAlpha = 0.2
	// weightCoverage is the share of the total weight the window's buckets
	// must carry.
	weightCoverage = 0.9999
)

// WeightedBuckets averages its window with exponentially decaying weights:
// the newest bucket weighs alpha, the one before alpha*(1-alpha), and so on,
// with alpha = max(1 - 0.0001^(1/buckets), 0.2). Buckets between the newest
// data and now count as zeros. It does not divide by a partial window: just
// after the first sample the older buckets are zeros too.
type WeightedBuckets struct {
	*Buckets
	alpha float64
}

var _ Averager = (*WeightedBuckets)(nil)

// NewWeightedBuckets returns an empty weighted window.
func NewWeightedBuckets(window, granularity time.Duration) *WeightedBuckets {
	b := NewBuckets(window, granularity)
	return &WeightedBuckets{Buckets: b, alpha: Alpha(len(b.buckets))}
}

// Alpha is the decay factor for a window of n buckets.
func Alpha(n int) float64 {
	return math.Max(1-math.Pow(1-weightCoverage, 1/float64(n)), minAlpha)
}

// WindowAverage is the exponentially weighted average as of now; 0 when the
// newest data is more than a window old.
func (w *WeightedBuckets) WindowAverage(now time.Time) float64 {
	now = now.Truncate(w.granularity)
	if now.Sub(w.lastWrite) > w.window {
		return 0
	}
	n := len(w.buckets)
	count := n
	weight := w.alpha
	if now.After(w.lastWrite) {
		zeros := int(now.Sub(w.lastWrite) / w.granularity)
		weight *= math.Pow(1-w.alpha, float64(zeros))
		count -= zeros
	}
	at := w.index(w.lastWrite)
	sum := 0.0
	for i := 0; i < count; i++ {
		sum += w.buckets[w.slot(at-i)] * weight
		weight *= 1 - w.alpha
	}
	return sum
}

// ResizeWindow resizes the window and recomputes alpha.
func (w *WeightedBuckets) ResizeWindow(now time.Time, window time.Duration) {
	w.Buckets.ResizeWindow(now, window)
	w.alpha = Alpha(len(w.buckets))
}
