package hybrid

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat"
)

// Config holds the hybrid policy's parameters; DefaultConfig has the
// paper's.
type Config struct {
	// BinWidth is the histogram's bin and Range its extent; Range is a
	// whole number of bins.
	BinWidth, Range time.Duration
	// Head and Tail are the percentiles (0..100) that end the pre-warm
	// window and the keep-alive window.
	Head, Tail float64
	// Margin shortens the pre-warm window and lengthens the keep-alive
	// window's end by this fraction.
	Margin float64
	// CVThreshold is the coefficient of variation of the bin counts below
	// which the histogram shows no pattern.
	CVThreshold float64
	// MinSamples is the fewest idle times within the range that make a
	// pattern.
	MinSamples int
	// MaxOutOfRange is the largest share of idle times beyond Range the
	// histogram tolerates.
	MaxOutOfRange float64
	// FallbackKeepAlive is the keep-alive when the histogram is not
	// representative.
	FallbackKeepAlive time.Duration
}

// DefaultConfig is the paper's hybrid histogram policy.
func DefaultConfig() Config {
	return Config{
		BinWidth: time.Minute, Range: 4 * time.Hour,
		Head: 5, Tail: 99, Margin: 0.10,
		CVThreshold: 2, MinSamples: 10, MaxOutOfRange: 0.5,
		FallbackKeepAlive: 4 * time.Hour,
	}
}

// Validate checks c.
func (c Config) Validate() error {
	switch {
	case c.BinWidth <= 0 || c.Range < c.BinWidth || c.Range%c.BinWidth != 0:
		return fmt.Errorf("hybrid: Range %v must be a positive multiple of BinWidth %v", c.Range, c.BinWidth)
	case !(0 <= c.Head && c.Head < c.Tail && c.Tail <= 100):
		return fmt.Errorf("hybrid: percentiles must satisfy 0 <= Head (%g) < Tail (%g) <= 100", c.Head, c.Tail)
	case c.Margin < 0 || c.Margin >= 1:
		return fmt.Errorf("hybrid: Margin %g must be in [0, 1)", c.Margin)
	case c.CVThreshold < 0 || c.MinSamples < 1:
		return errors.New("hybrid: CVThreshold must be >= 0 and MinSamples >= 1")
	case c.MaxOutOfRange < 0 || c.MaxOutOfRange > 1:
		return fmt.Errorf("hybrid: MaxOutOfRange %g must be in [0, 1]", c.MaxOutOfRange)
	case c.FallbackKeepAlive <= 0:
		return errors.New("hybrid: FallbackKeepAlive must be positive")
	}
	return nil
}

// Histogram counts idle times in bins of Config.BinWidth; those beyond
// Config.Range are only counted.
type Histogram struct {
	width      time.Duration
	bins       []float64
	inRange    int
	outOfRange int
}

// NewHistogram returns an empty histogram shaped by c.
func NewHistogram(c Config) *Histogram {
	return &Histogram{width: c.BinWidth, bins: make([]float64, int(c.Range/c.BinWidth))}
}

// Add counts one idle time.
func (h *Histogram) Add(idle time.Duration) {
	i := int(max(idle, 0) / h.width)
	if i >= len(h.bins) {
		h.outOfRange++
		return
	}
	h.bins[i]++
	h.inRange++
}

// Counts returns the number of idle times within and beyond the range.
func (h *Histogram) Counts() (inRange, outOfRange int) { return h.inRange, h.outOfRange }

// CV is the coefficient of variation (population standard deviation over
// mean) of the bin counts; 0 for an empty histogram.
func (h *Histogram) CV() float64 {
	mean, std := stat.PopMeanStdDev(h.bins, nil)
	if mean == 0 {
		return 0
	}
	return std / mean
}

// bin is the index of the bin where the cumulative count first reaches
// p percent of the idle times within the range.
func (h *Histogram) bin(p float64) int {
	need := p / 100 * float64(h.inRange)
	cum := 0.0
	for i, n := range h.bins {
		cum += n
		if n > 0 && cum >= need {
			return i
		}
	}
	return len(h.bins) - 1
}

// Windows is what the policy does after a burst: remove the instances,
// start one again after PreWarm, keep it for KeepAlive. PreWarm 0 keeps
// the instances for KeepAlive from their last request.
type Windows struct {
	PreWarm, KeepAlive time.Duration
	// Representative is false when the windows are the fallback.
	Representative bool
}

// Windows derives the pre-warm and keep-alive windows from h: the head
// percentile's bin's lower edge less the margin, and the tail percentile's
// bin's upper edge plus the margin, both rounded to the second; or the
// fallback when h is not representative.
func (c Config) Windows(h *Histogram) Windows {
	in, out := h.Counts()
	if in < c.MinSamples || float64(out) > c.MaxOutOfRange*float64(in+out) || h.CV() < c.CVThreshold {
		return Windows{KeepAlive: c.FallbackKeepAlive}
	}
	head := time.Duration(h.bin(c.Head)) * c.BinWidth
	tail := time.Duration(h.bin(c.Tail)+1) * c.BinWidth
	pre := scale(head, 1-c.Margin)
	end := scale(tail, 1+c.Margin)
	return Windows{PreWarm: pre, KeepAlive: end - pre, Representative: true}
}

// scale multiplies d by f, rounded down to the second.
func scale(d time.Duration, f float64) time.Duration {
	return time.Duration(math.Floor(d.Seconds()*f)) * time.Second
}
