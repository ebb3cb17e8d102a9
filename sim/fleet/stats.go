package fleet

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Stats are the facts of a generated day.
type Stats struct {
	// Functions holds each function's facts, in index order.
	Functions []FunctionStats
	// Total is the fleet's invocations in the day.
	Total int
	// PerHour is the fleet's invocations in each hour of the day (time of
	// day: a rotated fleet's minutes count in the hour they stand for).
	PerHour [24]int
}

// FunctionStats are one function's facts.
type FunctionStats struct {
	Service string // the function's Knative Service
	Trigger string // the function's trigger
	Total   int    // invocations in the day
	Peak    int    // invocations in the busiest minute
	Idle    int    // minutes without an invocation
	// CV is the coefficient of variation of the gaps between invocations,
	// each minute's invocations spread evenly over it; NaN with fewer
	// than 3 invocations. A Poisson process has a CV of 1, a timer 0,
	// bursty arrivals more than 1.
	CV float64
}

// Stats computes the facts of the fleet's day.
func (f *Fleet) Stats() Stats {
	s := Stats{Functions: make([]FunctionStats, len(f.Functions))}
	startMinute := int(f.Start / time.Minute)
	for i := range f.Functions {
		fn := &f.Functions[i]
		fs := FunctionStats{Service: fn.Profile.Service, Trigger: fn.Profile.Trigger, CV: gapCV(fn.PerMinute)}
		for m, n := range fn.PerMinute {
			fs.Total += n
			fs.Peak = max(fs.Peak, n)
			if n == 0 {
				fs.Idle++
			}
			s.PerHour[(startMinute+m)/60%24] += n
		}
		s.Total += fs.Total
		s.Functions[i] = fs
	}
	return s
}

// TopShare is the share of the invocations (0 to 1) made by the busiest
// fraction frac of the functions (at least one function).
func (s Stats) TopShare(frac float64) float64 {
	if s.Total == 0 || len(s.Functions) == 0 {
		return 0
	}
	totals := make([]int, len(s.Functions))
	for i, fs := range s.Functions {
		totals[i] = fs.Total
	}
	slices.Sort(totals)
	slices.Reverse(totals)
	k := max(1, int(math.Round(frac*float64(len(totals)))))
	top := 0
	for _, t := range totals[:min(k, len(totals))] {
		top += t
	}
	return float64(top) / float64(s.Total)
}

// AtMost counts the functions invoked at most daily times in the day: 24
// is at most once an hour, 1440 at most once a minute.
func (s Stats) AtMost(daily int) int {
	n := 0
	for _, fs := range s.Functions {
		if fs.Total <= daily {
			n++
		}
	}
	return n
}

// PeakHour is the hour of the day (0 to 23) with the most invocations.
func (s Stats) PeakHour() int {
	peak := 0
	for h, n := range s.PerHour {
		if n > s.PerHour[peak] {
			peak = h
		}
	}
	return peak
}

// Write prints each function's daily total, share, busiest minute, idle
// minutes and inter-arrival CV, then the fleet's total.
func (s Stats) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-6s %-13s %9s %7s %6s %5s %7s\n", "fn", "trigger", "day", "share", "peak", "idle", "cv")
	for _, fs := range s.Functions {
		fmt.Fprintf(bw, "%-6s %-13s %9d %6.3f%% %6d %5d %7.2f\n", fs.Service, fs.Trigger, fs.Total,
			100*float64(fs.Total)/float64(s.Total), fs.Peak, fs.Idle, fs.CV)
	}
	fmt.Fprintf(bw, "total %d invocations\n", s.Total)
	return bw.Flush()
}

// gapCV is the coefficient of variation of the gaps between a day's
// invocations, minute m's n invocations at m + (k+0.5)/n, k < n; NaN for
// fewer than 3 invocations. It takes two passes over the times (the mean
// gap, then the squared deviations) without holding them.
func gapCV(perMinute []int) float64 {
	times := func(yield func(float64)) {
		for m, n := range perMinute {
			for k := range n {
				yield(float64(m) + (float64(k)+0.5)/float64(n))
			}
		}
	}
	count := 0
	for _, n := range perMinute {
		count += n
	}
	if count < 3 {
		return math.NaN()
	}
	gaps := func(each func(g float64)) {
		first, prev := true, 0.0
		times(func(t float64) {
			if !first {
				each(t - prev)
			}
			first, prev = false, t
		})
	}
	mean, sq := 0.0, 0.0
	gaps(func(g float64) { mean += g })
	mean /= float64(count - 1)
	gaps(func(g float64) { sq += (g - mean) * (g - mean) })
	return math.Sqrt(sq/float64(count-1)) / mean
}
