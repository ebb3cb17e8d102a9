package engine

import (
	"time"

	"k8s.io/utils/clock"
)

// Clock is a virtual clock driven by an Engine. It implements
// k8s.io/utils/clock's WithTickerAndDelayedExecution (and so Clock,
// PassiveClock, WithTicker and WithDelayedExecution), letting controller code
// written against that package run in simulated time.
//
// Timers and tickers fire as engine events, so they only advance when the
// engine's driver steps it. All methods are safe to call from any goroutine.
// Calls made from outside the driver goroutine race with it for insertion
// order, so for bit-for-bit reproducible runs create timers from event
// callbacks.
type Clock struct {
	e *Engine
}

var _ clock.WithTickerAndDelayedExecution = (*Clock)(nil)

// Clock returns a virtual clock reading this engine's time.
func (e *Engine) Clock() *Clock { return &Clock{e: e} }

// Now returns the engine's virtual time.
func (c *Clock) Now() time.Time { return c.e.Now() }

// Since returns the virtual time elapsed since t.
func (c *Clock) Since(t time.Time) time.Duration { return c.e.Now().Sub(t) }

// After returns the channel of a new Timer.
func (c *Clock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

// NewTimer returns a Timer that sends the virtual time on its channel once d
// has elapsed. d <= 0 fires at Now, on the engine's next step.
func (c *Clock) NewTimer(d time.Duration) clock.Timer {
	t := &Timer{e: c.e, c: make(chan time.Time, 1)}
	t.mu.Lock()
	t.arm(d)
	t.mu.Unlock()
	return t
}

// AfterFunc runs f once d has elapsed and returns a Timer (with a nil C)
// that can stop or reset it. Unlike Go's time.AfterFunc, which starts a new
// goroutine, f runs synchronously as an engine event on the driver
// goroutine: it sees a consistent virtual time and anything it schedules is
// ordered deterministically. f must therefore not block waiting for the
// engine to advance.
func (c *Clock) AfterFunc(d time.Duration, f func()) clock.Timer {
	if f == nil {
		panic(errNilFunc)
	}
	t := &Timer{e: c.e, f: f}
	t.mu.Lock()
	t.arm(d)
	t.mu.Unlock()
	return t
}

// NewTicker returns a Ticker that ticks at creation time + k*d for k = 1, 2,
// ... exactly. Like Go's time.NewTicker it panics if d <= 0.
func (c *Clock) NewTicker(d time.Duration) clock.Ticker {
	if d <= 0 {
		panic("engine: non-positive interval for NewTicker")
	}
	t := &Ticker{e: c.e, c: make(chan time.Time, 1)}
	t.mu.Lock()
	t.arm(d)
	t.mu.Unlock()
	return t
}

// Tick returns the channel of a new Ticker, or nil if d <= 0, as Go's
// time.Tick does.
func (c *Clock) Tick(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return c.NewTicker(d).C()
}

// Sleep blocks the calling goroutine until virtual time reaches Now + d.
// The engine is single-threaded, so Sleep only returns once some other
// goroutine drives the engine past that time; calling it from an event
// callback (the driver goroutine) deadlocks. d <= 0 returns at once.
func (c *Clock) Sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	done := make(chan struct{})
	c.e.After(d, func(time.Time) { close(done) })
	<-done
}
