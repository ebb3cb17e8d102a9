package results

import (
	"math"
	"slices"
	"time"
)

// Summarize computes percentiles (nearest-rank, as hey reports them) of
// latencies; it sorts the slice in place.
func Summarize(lat []time.Duration) Percentiles {
	if len(lat) == 0 {
		return Percentiles{}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return round3(float64(d) / float64(time.Millisecond)) }
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return lat[max(0, min(i, len(lat)-1))]
	}
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	return Percentiles{
		Min: ms(lat[0]),
		P50: ms(rank(0.50)), P90: ms(rank(0.90)), P95: ms(rank(0.95)), P99: ms(rank(0.99)),
		Max: ms(lat[len(lat)-1]), Mean: ms(sum / time.Duration(len(lat))),
	}
}

// Histogram buckets sorted latencies into n bars of equal width, as hey's
// response time histogram does.
func Histogram(sorted []time.Duration, n int) []Bucket {
	if len(sorted) == 0 || n < 1 {
		return nil
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	width := (hi - lo) / time.Duration(n)
	if width <= 0 {
		return []Bucket{{UpToMs: round3(float64(hi) / float64(time.Millisecond)), Count: len(sorted)}}
	}
	out := make([]Bucket, n)
	for i := range out {
		out[i].UpToMs = round3(float64(lo+width*time.Duration(i+1)) / float64(time.Millisecond))
	}
	for _, l := range sorted {
		i := int((l - lo) / width)
		if i >= n {
			i = n - 1
		}
		out[i].Count++
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
