package container

import (
	"errors"
	"math/rand/v2"
	"slices"
	"time"
)

// Core is one pod's user container. Requests are named by caller-chosen
// ids, unique among waiting requests. A Core is not safe for concurrent
// use; the real shell serialises calls.
type Core struct {
	work Workload
	rand *rand.Rand

	working int
	waiting []uint64 // oldest first
	served  int      // requests started so far; the first is the cold one

	// cpuSince and cpuMilliSeconds integrate the working requests' CPU use
	// since cpuWindow, the last CloseCPUWindow (or the container's start).
	cpuSince, cpuWindow time.Time
	cpuMilliSeconds     float64
}

// New returns the container of a pod started at now, running work and
// drawing its service times from rng (which the shell may share between a
// revision's pods). A nil ServiceTime means DefaultServiceTime.
func New(now time.Time, work Workload, rng *rand.Rand) (*Core, error) {
	if err := work.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("container: a random stream is required")
	}
	if work.ServiceTime == nil {
		work.ServiceTime = func(*rand.Rand) time.Duration { return DefaultServiceTime }
	}
	return &Core{work: work, rand: rng, cpuSince: now, cpuWindow: now}, nil
}

// Admit hands the container a request at now. When fewer than MaxInFlight
// requests are working (or there is no limit) it starts at once: started
// is true and d is its service time. Otherwise it waits until a Finish
// starts it, or Cancel withdraws it.
func (c *Core) Admit(now time.Time, id uint64) (d time.Duration, started bool) {
	if c.work.MaxInFlight > 0 && c.working >= c.work.MaxInFlight {
		c.waiting = append(c.waiting, id)
		return 0, false
	}
	return c.start(now), true
}

// start makes one more request work from now and draws its service time:
// ServiceTime, plus ColdStartExtra on the pod's first request.
func (c *Core) start(now time.Time) time.Duration {
	c.account(now)
	c.working++
	d := c.work.ServiceTime(c.rand)
	if c.served == 0 && c.work.ColdStartExtra != nil {
		d += c.work.ColdStartExtra(c.rand)
	}
	c.served++
	return d
}

// Finish ends one working request at now. When a request was waiting, the
// oldest starts in its place: ok is true, next is its id and d its service
// time. Finish without a working request changes nothing.
func (c *Core) Finish(now time.Time) (next uint64, d time.Duration, ok bool) {
	if c.working == 0 {
		return 0, 0, false
	}
	c.account(now)
	c.working--
	if len(c.waiting) == 0 {
		return 0, 0, false
	}
	next = c.waiting[0]
	c.waiting = c.waiting[1:]
	return next, c.start(now), true
}

// Cancel withdraws a waiting request and reports whether id was waiting. A
// request already started is not affected: it must Finish.
func (c *Core) Cancel(id uint64) bool {
	i := slices.Index(c.waiting, id)
	if i < 0 {
		return false
	}
	c.waiting = slices.Delete(c.waiting, i, i+1)
	return true
}

// Working is the number of requests the container works on.
func (c *Core) Working() int { return c.working }

// Waiting is the number of requests waiting for the container.
func (c *Core) Waiting() int { return len(c.waiting) }

// Idle reports whether no request is working or waiting.
func (c *Core) Idle() bool { return c.working == 0 && len(c.waiting) == 0 }

// CloseCPUWindow closes the CPU window at now and returns the container's
// average CPU use over it, in millicores: each working request uses
// CPUPerRequestMilli, waiting costs nothing. ok is false for a window of
// no length.
func (c *Core) CloseCPUWindow(now time.Time) (milli float64, ok bool) {
	c.account(now)
	used, window := c.cpuMilliSeconds, now.Sub(c.cpuWindow)
	c.cpuMilliSeconds, c.cpuWindow = 0, now
	if window <= 0 {
		return 0, false
	}
	return used / window.Seconds(), true
}

// account adds the CPU the working requests used since the last change.
// It runs only where the number of working requests changes or a window
// closes, so that the integral is summed in the same pieces in every run.
func (c *Core) account(now time.Time) {
	if d := now.Sub(c.cpuSince); d > 0 {
		c.cpuMilliSeconds += float64(c.working) * c.work.CPUPerRequestMilli * d.Seconds()
	}
	c.cpuSince = now
}
