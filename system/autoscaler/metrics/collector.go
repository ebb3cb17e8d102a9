package metrics

import (
	"errors"
	"time"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/config"
)

// ErrNoData means nothing was recorded for a whole stable window while the
// revision's pods are being scraped; the decider makes no decision then.
var ErrNoData = errors.New("no data available")

// Stat is one report for a revision: from the scraper (standing for all the
// revision's ready pods, see Aggregate) or from an activator.
type Stat struct {
	// PodName names the reporter.
	PodName string
	// AverageConcurrentRequests is the time-weighted average number of
	// requests in flight over the last second.
	AverageConcurrentRequests float64
	// AverageProxiedConcurrentRequests is the part of it that came through
	// the activator (already counted by the activator's own stat).
	AverageProxiedConcurrentRequests float64
	// RequestCount is the number of requests received in the last second.
	RequestCount float64
	// ProxiedRequestCount is the part of it that came through the activator.
	ProxiedRequestCount float64
	// ProcessUptime is the reporter's uptime in seconds.
	ProcessUptime float64
}

// Spec configures a Collector.
type Spec struct {
	// StableWindow and PanicWindow are the two averaging windows.
	StableWindow, PanicWindow time.Duration
	// Algorithm is autoscaling.AlgorithmLinear (default) or
	// autoscaling.AlgorithmWeightedExponential.
	Algorithm string
	// Scraped is true when the revision's pods are scraped. Knative does not
	// scrape when target-burst-capacity is -1 (the activator sees every
	// request); an empty stable window then reads as zeros instead of
	// ErrNoData.
	Scraped bool
}

// SpecFor derives the collector spec of a revision.
func SpecFor(s config.DeciderSpec) Spec {
	return Spec{
		StableWindow: s.StableWindow,
		PanicWindow:  s.PanicWindow,
		Algorithm:    s.Algorithm,
		Scraped:      s.TargetBurstCapacity != -1,
	}
}

// Collector keeps one revision's metric windows: concurrency and rps, each
// over the stable and the panic window.
type Collector struct {
	spec                          Spec
	concurrency, concurrencyPanic Averager
	requestRate, requestRatePanic Averager
}

// NewCollector returns an empty collector. The averaging algorithm is fixed
// for its lifetime (Knative reads it from an immutable annotation).
func NewCollector(spec Spec) *Collector {
	newAverager := func(w time.Duration) Averager { return NewBuckets(w, config.BucketSize) }
	if spec.Algorithm == autoscaling.AlgorithmWeightedExponential {
		newAverager = func(w time.Duration) Averager { return NewWeightedBuckets(w, config.BucketSize) }
	}
	return &Collector{
		spec:             spec,
		concurrency:      newAverager(spec.StableWindow),
		concurrencyPanic: newAverager(spec.PanicWindow),
		requestRate:      newAverager(spec.StableWindow),
		requestRatePanic: newAverager(spec.PanicWindow),
	}
}

// Spec returns the collector's current spec.
func (c *Collector) Spec() Spec { return c.spec }

// Update changes the windows (resizing, keeping recent data) and Scraped.
// The algorithm cannot change.
func (c *Collector) Update(now time.Time, spec Spec) {
	spec.Algorithm = c.spec.Algorithm
	c.concurrency.ResizeWindow(now, spec.StableWindow)
	c.concurrencyPanic.ResizeWindow(now, spec.PanicWindow)
	c.requestRate.ResizeWindow(now, spec.StableWindow)
	c.requestRatePanic.ResizeWindow(now, spec.PanicWindow)
	c.spec = spec
}

// Record adds a stat at now. The proxied parts are subtracted: the activator
// reported those requests itself. Stats landing in the same second are
// summed, so the scraper's revision estimate and every activator's report
// add up to the revision total.
func (c *Collector) Record(now time.Time, s Stat) {
	conc := s.AverageConcurrentRequests - s.AverageProxiedConcurrentRequests
	rps := s.RequestCount - s.ProxiedRequestCount
	c.concurrency.Record(now, conc)
	c.concurrencyPanic.Record(now, conc)
	c.requestRate.Record(now, rps)
	c.requestRatePanic.Record(now, rps)
}

// StableAndPanicConcurrency returns the stable and panic window averages of
// concurrency as of now, or ErrNoData.
func (c *Collector) StableAndPanicConcurrency(now time.Time) (stable, panic float64, err error) {
	if c.spec.Scraped && c.concurrency.IsEmpty(now) {
		return 0, 0, ErrNoData
	}
	return c.concurrency.WindowAverage(now), c.concurrencyPanic.WindowAverage(now), nil
}

// StableAndPanicRPS returns the stable and panic window averages of
// requests per second as of now, or ErrNoData.
func (c *Collector) StableAndPanicRPS(now time.Time) (stable, panic float64, err error) {
	if c.spec.Scraped && c.requestRate.IsEmpty(now) {
		return 0, 0, ErrNoData
	}
	return c.requestRate.WindowAverage(now), c.requestRatePanic.WindowAverage(now), nil
}

// StableAndPanic returns the averages of the named metric (rps, or
// concurrency for anything else).
func (c *Collector) StableAndPanic(metric string, now time.Time) (stable, panic float64, err error) {
	if metric == autoscaling.RPS {
		return c.StableAndPanicRPS(now)
	}
	return c.StableAndPanicConcurrency(now)
}
