package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStart is the virtual epoch used when Config.Start is zero. A fixed
// date keeps runs reproducible and far from any wall-clock reading.
var DefaultStart = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Config configures an Engine.
type Config struct {
	// Seed is the master seed from which every Rand stream is derived.
	// Every value, including 0, is valid.
	Seed uint64
	// Start is the virtual time before the first event. The zero value
	// selects DefaultStart. It must be representable as Unix nanoseconds
	// (years 1678 to 2262) because trace hashes and Fired records are
	// keyed by that value.
	Start time.Time
	// Hook, if set, is called on the driver goroutine just before each
	// event callback, for tracing. It must not block.
	Hook func(Fired)
}

// Fired describes an event at the moment it fires; it is passed to
// Config.Hook.
type Fired struct {
	At    time.Time // virtual time of the event
	Seq   uint64    // insertion sequence number, unique per engine
	Label string    // label given at scheduling time, or ""
}

// EventID identifies a scheduled event for Cancel. The zero EventID never
// identifies an event.
type EventID uint64

// Engine is a single-threaded discrete-event scheduler with virtual time.
//
// Virtual time is held as nanoseconds since Start, so events can be scheduled
// up to about 292 years ahead; later times saturate. Events are never
// scheduled in the past: a time before Now is clamped to Now and counted in
// Clamped, because a late event is almost always a model bug that should be
// visible but not fatal.
type Engine struct {
	start   time.Time
	startNs int64
	seed    uint64
	hook    func(Fired)

	// now is written by the driver under mu but read lock-free by Now,
	// which controller goroutines call far more often than anything else.
	now atomic.Int64

	mu      sync.Mutex
	q       queue
	seq     uint64
	fired   uint64
	clamped uint64
	hash    uint64
	rands   map[string]*rand.Rand
}

// New returns an Engine at cfg.Start with an empty queue.
func New(cfg Config) (*Engine, error) {
	start := cfg.Start
	if start.IsZero() {
		start = DefaultStart
	}
	start = start.Round(0) // a monotonic reading would make Sub/Add depend on the wall clock
	if start.Before(time.Unix(0, math.MinInt64)) || start.After(time.Unix(0, math.MaxInt64)) {
		return nil, fmt.Errorf("engine: start %v is outside the Unix-nanosecond range (1678-2262)", start)
	}
	return &Engine{
		start:   start,
		startNs: start.UnixNano(),
		seed:    cfg.Seed,
		hook:    cfg.Hook,
		hash:    fnvOffset,
	}, nil
}

// errNilFunc is the panic value for scheduling a nil callback, which would
// otherwise only fail later on the driver goroutine, far from the bug.
var errNilFunc = errors.New("engine: nil event callback")

// Start returns the virtual time the engine began at.
func (e *Engine) Start() time.Time { return e.start }

// Seed returns the master seed.
func (e *Engine) Seed() uint64 { return e.seed }

// Now returns the current virtual time. During an event callback it equals
// the event's time.
func (e *Engine) Now() time.Time {
	return e.start.Add(time.Duration(e.now.Load()))
}

// Schedule arranges for fn to run at virtual time at (clamped to Now if
// earlier). fn runs on the driver goroutine and receives the event time.
// It panics if fn is nil.
func (e *Engine) Schedule(at time.Time, fn func(now time.Time)) EventID {
	return e.schedule(e.offset(at), "", fn)
}

// ScheduleLabeled is Schedule with a label that is folded into TraceHash and
// reported to Config.Hook when the event fires.
func (e *Engine) ScheduleLabeled(at time.Time, label string, fn func(now time.Time)) EventID {
	return e.schedule(e.offset(at), label, fn)
}

// After schedules fn to run d after Now; d <= 0 means at Now, after any
// events already queued for Now.
func (e *Engine) After(d time.Duration, fn func(now time.Time)) EventID {
	return e.schedule(e.addNow(d), "", fn)
}

// AfterLabeled is After with a label, as for ScheduleLabeled.
func (e *Engine) AfterLabeled(d time.Duration, label string, fn func(now time.Time)) EventID {
	return e.schedule(e.addNow(d), label, fn)
}

// Cancel removes a pending event. It reports whether the event was still
// pending; it returns false for fired, cancelled or unknown IDs.
func (e *Engine) Cancel(id EventID) bool {
	e.mu.Lock()
	ok := e.q.cancel(int32(uint32(id)), uint32(id>>32))
	e.mu.Unlock()
	return ok
}

// Pending returns the number of queued events.
func (e *Engine) Pending() int {
	e.mu.Lock()
	n := e.q.len()
	e.mu.Unlock()
	return n
}

// Next returns the time of the earliest queued event, and false if the queue
// is empty.
func (e *Engine) Next() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.q.len() == 0 {
		return time.Time{}, false
	}
	return e.start.Add(time.Duration(e.q.heap[0].at)), true
}

// Step fires the earliest event, advancing Now to its time. It reports
// false, without doing anything, if the queue is empty.
func (e *Engine) Step() bool {
	e.mu.Lock()
	if e.q.len() == 0 {
		e.mu.Unlock()
		return false
	}
	e.fire(e.popLocked())
	return true
}

// RunUntil fires every event with time <= t, including ones those events
// schedule, then sets Now to t. If t is before Now only due events fire and
// Now does not move backwards.
func (e *Engine) RunUntil(t time.Time) {
	limit := e.offset(t)
	for {
		e.mu.Lock()
		if e.q.len() == 0 || e.q.heap[0].at > limit {
			// Done under the same lock Schedule takes, so no event can
			// slip in behind the new Now.
			if limit > e.now.Load() {
				e.now.Store(limit)
			}
			e.mu.Unlock()
			return
		}
		e.fire(e.popLocked())
	}
}

// RunFor is RunUntil(Now() + d).
func (e *Engine) RunFor(d time.Duration) {
	e.RunUntil(e.start.Add(time.Duration(e.addNow(d))))
}

// Run fires events until the queue is empty. A model that reschedules
// forever (a ticker, an open arrival process) never returns; use RunUntil.
func (e *Engine) Run() {
	for e.Step() {
	}
}

// Fired returns the number of events fired so far.
func (e *Engine) Fired() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fired
}

// Clamped returns how many events were scheduled in the past and moved to
// Now.
func (e *Engine) Clamped() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clamped
}

// TraceHash returns the FNV-64a hash of (Unix-nanosecond time, sequence
// number, label) over all labelled events fired so far, in firing order.
// Unlabelled events are left out so hot inner events cost nothing extra.
func (e *Engine) TraceHash() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hash
}

// popLocked removes the earliest event and advances time; the caller holds
// e.mu, and fire releases it.
func (e *Engine) popLocked() (entry, func(time.Time), string) {
	top, fn, label := e.q.popMin()
	e.now.Store(top.at)
	e.fired++
	if label != "" {
		e.hash = fnvLabel(fnvUint64(fnvUint64(e.hash, uint64(e.startNs+top.at)), top.seq), label)
	}
	return top, fn, label
}

// fire unlocks e.mu and runs the event; callbacks must run unlocked so they
// can schedule, cancel and read the clock.
func (e *Engine) fire(top entry, fn func(time.Time), label string) {
	e.mu.Unlock()
	now := e.start.Add(time.Duration(top.at))
	if e.hook != nil {
		e.hook(Fired{At: now, Seq: top.seq, Label: label})
	}
	fn(now)
}

func (e *Engine) schedule(at int64, label string, fn func(time.Time)) EventID {
	if fn == nil {
		panic(errNilFunc)
	}
	e.mu.Lock()
	if now := e.now.Load(); at < now {
		at = now
		e.clamped++
	}
	e.seq++
	s, gen := e.q.push(at, e.seq, fn, label)
	e.mu.Unlock()
	return EventID(uint64(gen)<<32 | uint64(uint32(s)))
}

// offset converts an absolute time to nanoseconds since Start; Sub
// saturates, so far-off times stay ordered instead of wrapping.
func (e *Engine) offset(t time.Time) int64 {
	return int64(t.Sub(e.start))
}

// addNow returns Now + d in nanoseconds since Start, saturating on overflow.
func (e *Engine) addNow(d time.Duration) int64 {
	now := e.now.Load()
	if d > 0 && now > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return now + int64(d)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvUint64 folds v into h as 8 little-endian bytes, inline rather than via
// hash/fnv to avoid an interface call and a byte slice per event.
func fnvUint64(h, v uint64) uint64 {
	for i := 0; i < 8; i++ {
		h ^= v & 0xff
		h *= fnvPrime
		v >>= 8
	}
	return h
}

// fnvLabel folds the length first so adjacent fields cannot run together.
func fnvLabel(h uint64, s string) uint64 {
	h = fnvUint64(h, uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}
