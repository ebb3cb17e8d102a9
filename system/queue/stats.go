package queue

import "time"

// ReportingPeriod is how often queue-proxy reports its stats; each Report
// closes one window and opens the next.
const ReportingPeriod = time.Second

// Stat is one reporting window's measurements, as knative.dev/networking's
// RequestStatsReport.
type Stat struct {
	// AverageConcurrency is the time-weighted mean number of requests in
	// queue-proxy (queued or running) over the window: two requests of
	// 500ms each in a 1s window average 1.
	AverageConcurrency float64
	// AverageProxiedConcurrency is the same mean over requests that came
	// through the activator.
	AverageProxiedConcurrency float64
	// RequestCount is the number of requests that arrived in the window;
	// divided by the window length it is the request rate.
	RequestCount float64
	// ProxiedRequestCount is the number of arrivals that came through the
	// activator.
	ProxiedRequestCount float64
}

// Stats integrates concurrency over time between reports. Events carry
// their own time; an event older than the last one seen is applied without
// adding negative time, as Knative tolerates slightly reordered events.
//
// Stats is not safe for concurrent use; shells serialise calls.
type Stats struct {
	// Current state, carried across windows.
	concurrency, proxiedConcurrency float64
	lastChange                      time.Time

	// Window accumulators, reset by Report.
	requestCount, proxiedCount   float64
	area, proxiedArea, windowSec float64
}

// NewStats starts measuring at startedAt with nothing in flight.
func NewStats(startedAt time.Time) *Stats {
	return &Stats{lastChange: startedAt}
}

// advance accumulates the time since the last change at the current
// concurrency.
func (s *Stats) advance(now time.Time) {
	d := now.Sub(s.lastChange)
	if d <= 0 {
		return
	}
	sec := d.Seconds()
	s.windowSec += sec
	s.area += s.concurrency * sec
	s.proxiedArea += s.proxiedConcurrency * sec
	s.lastChange = now
}

// RequestIn records a request arriving at now; proxied marks a request
// forwarded by the activator.
func (s *Stats) RequestIn(now time.Time, proxied bool) {
	s.advance(now)
	s.concurrency++
	s.requestCount++
	if proxied {
		s.proxiedConcurrency++
		s.proxiedCount++
	}
}

// RequestOut records a request leaving at now; proxied must match the
// request's RequestIn.
func (s *Stats) RequestOut(now time.Time, proxied bool) {
	s.advance(now)
	s.concurrency--
	if proxied {
		s.proxiedConcurrency--
	}
}

// Concurrency is the number of requests currently in flight.
func (s *Stats) Concurrency() float64 { return s.concurrency }

// Report closes the window ending at now and returns its Stat; the next
// window starts at now. Requests still in flight carry over and count
// toward the next window's average, though not its request count.
func (s *Stats) Report(now time.Time) Stat {
	s.advance(now)
	st := Stat{RequestCount: s.requestCount, ProxiedRequestCount: s.proxiedCount}
	if s.windowSec > 0 {
		st.AverageConcurrency = s.area / s.windowSec
		st.AverageProxiedConcurrency = s.proxiedArea / s.windowSec
	}
	s.requestCount, s.proxiedCount = 0, 0
	s.area, s.proxiedArea, s.windowSec = 0, 0, 0
	return st
}
