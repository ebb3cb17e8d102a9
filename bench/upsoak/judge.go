package upsoak

import (
	"errors"
	"fmt"
	"slices"
)

// Limits are what a soak must keep.
type Limits struct {
	// GoroutineSlack is how many goroutines above the level before the
	// load the last sample after it may have; 0 means 10% of that level,
	// at least 20.
	GoroutineSlack int
	// RSSGrowth bounds the peak resident size of the load's last third
	// over its middle third's (1.25: at most 25% more); a leak grows
	// steadily, while a warmed-up process levels off. 0 means 1.25.
	RSSGrowth float64
	// MaxFailedRatio bounds failed requests and events over all sent;
	// 0 means 0.01.
	MaxFailedRatio float64
}

// Verdict sums up a soak.
type Verdict struct {
	// GoroutinesBefore is the last sample before the load, GoroutinesPeak
	// the largest during it, GoroutinesAfter the last sample after it.
	GoroutinesBefore, GoroutinesPeak, GoroutinesAfter int
	// RSSBefore, RSSMiddle, RSSLate and RSSAfter are the last sample
	// before the load, the peaks of its middle and last thirds, and the
	// last sample after it.
	RSSBefore, RSSMiddle, RSSLate, RSSAfter int64
	// Failures lists every limit broken; empty means the soak passed.
	Failures []string
}

// Judge checks samples (in phase order) against l.
func Judge(samples []Sample, l Limits) (Verdict, error) {
	var before, load, after []Sample
	for _, s := range samples {
		switch s.Phase {
		case PhaseBefore:
			before = append(before, s)
		case PhaseLoad:
			load = append(load, s)
		case PhaseAfter:
			after = append(after, s)
		default:
			return Verdict{}, fmt.Errorf("sample at %s: unknown phase %q", s.At, s.Phase)
		}
	}
	if len(before) == 0 || len(after) == 0 || len(load) < 3 {
		return Verdict{}, errors.New("a soak needs samples before and after the load and at least 3 during it")
	}
	if l.RSSGrowth == 0 {
		l.RSSGrowth = 1.25
	}
	if l.MaxFailedRatio == 0 {
		l.MaxFailedRatio = 0.01
	}
	b, a := before[len(before)-1], after[len(after)-1]
	slack := l.GoroutineSlack
	if slack == 0 {
		slack = max(20, b.Goroutines/10)
	}
	third := len(load) / 3
	v := Verdict{
		GoroutinesBefore: b.Goroutines,
		GoroutinesPeak:   slices.MaxFunc(load, func(x, y Sample) int { return x.Goroutines - y.Goroutines }).Goroutines,
		GoroutinesAfter:  a.Goroutines,
		RSSBefore:        b.RSS,
		RSSMiddle:        peakRSS(load[third : len(load)-third]),
		RSSLate:          peakRSS(load[len(load)-third:]),
		RSSAfter:         a.RSS,
	}
	if v.GoroutinesAfter > v.GoroutinesBefore+slack {
		v.Failures = append(v.Failures, fmt.Sprintf("goroutines after the load: %d, more than %d before it + %d",
			v.GoroutinesAfter, v.GoroutinesBefore, slack))
	}
	if float64(v.RSSLate) > l.RSSGrowth*float64(v.RSSMiddle) {
		v.Failures = append(v.Failures, fmt.Sprintf("resident size still growing under steady load: %.1f MiB in the last third, over %.2f × %.1f MiB in the middle third",
			mib(v.RSSLate), l.RSSGrowth, mib(v.RSSMiddle)))
	}
	last := load[len(load)-1]
	if sent := last.Requests; sent == 0 || float64(last.RequestsFailed) > l.MaxFailedRatio*float64(sent) {
		v.Failures = append(v.Failures, fmt.Sprintf("requests: %d of %d failed", last.RequestsFailed, sent))
	}
	if sent := last.Events; sent == 0 || float64(last.EventsFailed) > l.MaxFailedRatio*float64(sent) {
		v.Failures = append(v.Failures, fmt.Sprintf("events: %d of %d failed", last.EventsFailed, sent))
	}
	return v, nil
}

func peakRSS(s []Sample) int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.RSS)
	}
	return m
}
