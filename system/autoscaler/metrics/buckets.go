package metrics

import (
	"math"
	"time"
)

// Averager is a window of time buckets that averages what was recorded.
// Buckets and WeightedBuckets implement it.
type Averager interface {
	// Record adds value to the bucket of now.
	Record(now time.Time, value float64)
	// WindowAverage is the window's average as of now.
	WindowAverage(now time.Time) float64
	// IsEmpty reports whether nothing was recorded for a whole window.
	IsEmpty(now time.Time) bool
	// ResizeWindow changes the window length, keeping recent data.
	ResizeWindow(now time.Time, window time.Duration)
}

// Buckets is a ring of fixed-width time buckets covering a window, averaged
// linearly. Values recorded in the same bucket are summed.
//
// Only buckets since the first write count: right after the first sample
// (or after a whole window without data) the average is over a partial
// window. Gaps shorter than a window count as zeros; when the newest data is
// older than now, the average is over the window's remaining buckets.
type Buckets struct {
	buckets []float64
	// firstWrite is the bucket time of the first write since the window was
	// last empty; lastWrite that of the newest write.
	firstWrite, lastWrite time.Time
	granularity, window   time.Duration
	// total is the sum of every bucket in the ring, stale ones included.
	total float64
}

var _ Averager = (*Buckets)(nil)

// NewBuckets returns an empty window of ceil(window/granularity) buckets.
// granularity must be a whole number of seconds.
func NewBuckets(window, granularity time.Duration) *Buckets {
	return &Buckets{
		buckets:     make([]float64, bucketCount(window, granularity)),
		granularity: granularity,
		window:      window,
	}
}

func bucketCount(window, granularity time.Duration) int {
	n := int(math.Ceil(float64(window) / float64(granularity)))
	if n < 1 {
		n = 1
	}
	return n
}

// index maps a time to a monotonically increasing bucket number; the ring
// position is index modulo the ring length.
func (b *Buckets) index(t time.Time) int {
	return int(t.Unix() / int64(b.granularity/time.Second))
}

func (b *Buckets) slot(i int) int {
	n := len(b.buckets)
	return ((i % n) + n) % n
}

// Record adds value to the bucket of now. A write after a gap zeroes the
// skipped buckets; a write after a whole window without data restarts the
// partial-window accounting; a write older than a window before the newest
// one is dropped.
func (b *Buckets) Record(now time.Time, value float64) {
	bucket := now.Truncate(b.granularity)
	at := b.index(now)
	if !b.lastWrite.Equal(bucket) {
		if !bucket.Add(b.window).After(b.lastWrite) {
			return
		}
		if b.firstWrite.IsZero() || b.firstWrite.After(bucket) {
			b.firstWrite = bucket
		}
		if bucket.After(b.lastWrite) {
			if bucket.Sub(b.lastWrite) >= b.window {
				b.firstWrite = bucket
				clear(b.buckets)
				b.total = 0
			} else {
				for i := b.index(b.lastWrite) + 1; i <= at; i++ {
					s := b.slot(i)
					b.total -= b.buckets[s]
					b.buckets[s] = 0
				}
			}
			b.lastWrite = bucket
		}
	}
	b.buckets[b.slot(at)] += value
	b.total += value
}

// IsEmpty reports whether the newest write is more than a window old.
func (b *Buckets) IsEmpty(now time.Time) bool {
	return now.Truncate(b.granularity).Sub(b.lastWrite) > b.window
}

// validBuckets is how many buckets lie between the first and the last write,
// inclusive.
func (b *Buckets) validBuckets() float64 {
	return float64(b.lastWrite.Sub(b.firstWrite)/b.granularity) + 1
}

// WindowAverage is the mean of the buckets that hold data, floored to six
// decimal places as Knative does; 0 once a whole window passed without data.
func (b *Buckets) WindowAverage(now time.Time) float64 {
	now = now.Truncate(b.granularity)
	switch d := now.Sub(b.lastWrite); {
	case d <= 0:
		n := math.Min(b.validBuckets(), float64(len(b.buckets)))
		return roundDigits(b.total / n)
	case d < b.window:
		// The newest data is d old: the buckets after it hold stale values
		// from a window ago and do not count.
		last, cur := b.index(b.lastWrite), b.index(now)
		sum := b.total
		for i := last + 1; i <= cur; i++ {
			sum -= b.buckets[b.slot(i)]
		}
		n := math.Min(b.validBuckets(), float64(len(b.buckets)-(cur-last)))
		return roundDigits(sum / n)
	default:
		return 0
	}
}

// ResizeWindow changes the window, carrying over the most recent buckets
// when there was data within the old window (Knative's ResizeWindow, with
// now passed in).
func (b *Buckets) ResizeWindow(now time.Time, window time.Duration) {
	if window == b.window {
		return
	}
	n := bucketCount(window, b.granularity)
	fresh := make([]float64, n)
	total := 0.0
	if now.Truncate(b.granularity).Sub(b.lastWrite) <= b.window {
		old := len(b.buckets)
		at := b.index(b.lastWrite)
		for i := 0; i < min(n, old); i++ {
			v := b.buckets[b.slot(at)]
			fresh[((at%n)+n)%n] = v
			total += v
			at--
		}
		b.firstWrite = b.lastWrite.Add(-time.Duration(old-1) * b.granularity)
	} else {
		b.firstWrite = time.Time{}
	}
	b.window = window
	b.buckets = fresh
	b.total = total
}

// roundDigits rounds f to six decimal places, as Knative does since
// v0.45 (before, it floored, which turned tiny negative float errors into
// -0.000001).
func roundDigits(f float64) float64 {
	const p = 1e6
	return math.Round(f*p) / p
}
