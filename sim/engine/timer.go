package engine

import (
	"math"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Timer is a one-shot virtual timer created by Clock.NewTimer, Clock.After
// or Clock.AfterFunc.
//
// Its channel has a buffer of one and is sent to without blocking, as Go's
// runtime timers do. Stop and Reset discard an undelivered value, so no
// stale time is received after they return, as Go's time.Timer does.
type Timer struct {
	e *Engine
	c chan time.Time // nil for AfterFunc timers
	f func()         // nil for channel timers

	// mu orders Stop/Reset from any goroutine against the firing event.
	// Lock order is Timer.mu, then Engine.mu.
	mu     sync.Mutex
	id     EventID
	gen    uint64 // identifies the current arming; stale firings are ignored
	active bool
}

var _ clock.Timer = (*Timer)(nil)

// C returns the channel the fire time is sent on; nil for AfterFunc timers.
func (t *Timer) C() <-chan time.Time { return t.c }

// Stop prevents the timer from firing. It reports whether it stopped a
// pending timer (false if it had already fired or been stopped).
func (t *Timer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := t.disarm()
	t.drain()
	return was
}

// Reset re-arms the timer to fire d after Now, reporting whether it was
// still pending. For an AfterFunc timer this either reschedules f (true) or
// schedules it to run again (false).
func (t *Timer) Reset(d time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := t.disarm()
	t.drain()
	t.arm(d)
	return was
}

// arm schedules the timer; t.mu is held. The closure captures the arming
// generation so an event that was already popped when Stop or Reset ran
// cannot fire on behalf of a newer arming.
func (t *Timer) arm(d time.Duration) {
	t.gen++
	gen := t.gen
	t.active = true
	t.id = t.e.After(d, func(now time.Time) { t.fire(gen, now) })
}

func (t *Timer) disarm() bool {
	if !t.active {
		return false
	}
	t.e.Cancel(t.id) // may be false if the event is firing right now; gen covers that
	t.active = false
	t.gen++
	return true
}

func (t *Timer) drain() {
	if t.c == nil {
		return
	}
	select {
	case <-t.c:
	default:
	}
}

func (t *Timer) fire(gen uint64, now time.Time) {
	t.mu.Lock()
	if gen != t.gen || !t.active {
		t.mu.Unlock()
		return
	}
	t.active = false
	if t.c != nil {
		// Sent under mu so a concurrent Stop's drain cannot miss it.
		select {
		case t.c <- now:
		default:
		}
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.f() // user code: never under a lock
}

// Ticker is a periodic virtual ticker created by Clock.NewTicker or
// Clock.Tick. Ticks fall exactly at base + k*period, where base is the
// creation (or last Reset) time, so they never drift. Its channel has a
// buffer of one; a tick that finds it full is dropped, as Go's time.Ticker
// drops ticks for a slow reader.
type Ticker struct {
	e *Engine
	c chan time.Time

	mu     sync.Mutex // as for Timer.mu
	period int64
	base   int64 // virtual ns since Start of the arming
	k      int64 // index of the next tick
	id     EventID
	gen    uint64
	active bool
	tick   func(time.Time) // reused for every tick of one arming: no per-tick allocation
}

var _ clock.Ticker = (*Ticker)(nil)

// C returns the channel ticks are sent on.
func (t *Ticker) C() <-chan time.Time { return t.c }

// Stop turns the ticker off. No tick is received after Stop returns.
func (t *Ticker) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.disarm()
	t.drain()
}

// Reset stops the ticker and restarts it with period d from Now; the next
// tick is at Now + d. It panics if d <= 0, as Go's time.Ticker.Reset does.
// It is not part of k8s.io/utils/clock.Ticker; reach it with a type
// assertion to *Ticker.
func (t *Ticker) Reset(d time.Duration) {
	if d <= 0 {
		panic("engine: non-positive interval for Ticker.Reset")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.disarm()
	t.drain()
	t.arm(d)
}

func (t *Ticker) arm(d time.Duration) {
	t.gen++
	gen := t.gen
	t.active = true
	t.period = int64(d)
	t.base = t.e.now.Load()
	t.k = 1
	t.tick = func(now time.Time) { t.fire(gen, now) }
	t.scheduleNext()
}

// scheduleNext queues tick k; t.mu is held. Computing base + k*period
// instead of adding period to the last tick keeps the schedule exact.
func (t *Ticker) scheduleNext() {
	if t.k > (math.MaxInt64-t.base)/t.period {
		t.active = false // beyond the representable horizon: stop quietly
		return
	}
	t.id = t.e.schedule(t.base+t.k*t.period, "", t.tick)
}

func (t *Ticker) disarm() {
	if t.active {
		t.e.Cancel(t.id)
		t.active = false
	}
	t.gen++
}

func (t *Ticker) drain() {
	select {
	case <-t.c:
	default:
	}
}

func (t *Ticker) fire(gen uint64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen || !t.active {
		return
	}
	select {
	case t.c <- now:
	default:
	}
	t.k++
	t.scheduleNext()
}
