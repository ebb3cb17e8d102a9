package queue

import (
	"container/list"
	"errors"
	"fmt"
	"math"
)

// MaxBreakerCapacity is the largest MaxConcurrency a Breaker accepts, as in
// Knative. The activator uses it as its revision breaker's ceiling, so that
// containerConcurrency x pods never hits a real limit.
const MaxBreakerCapacity = math.MaxInt32

// Errors returned by the Breaker.
var (
	// ErrRequestQueueFull means every slot and every queue place was taken;
	// the shells answer 503 Service Unavailable.
	ErrRequestQueueFull = errors.New("pending request queue full")
	// ErrUpdateCapacity means the requested capacity is outside
	// [0, MaxConcurrency].
	ErrUpdateCapacity = errors.New("failed to add all capacity to the breaker")
	// ErrRelease means Release was called more often than requests were
	// admitted.
	ErrRelease = errors.New("semaphore release error: returned tokens must be <= acquired tokens")
	// ErrDuplicateID means Acquire was given the id of a request that is
	// already waiting.
	ErrDuplicateID = errors.New("breaker: request id is already waiting")
)

// Params configures a Breaker; the fields are Knative's BreakerParams.
type Params struct {
	// QueueDepth is how many requests may wait for a slot; it must be
	// positive unless MaxConcurrency is 0.
	QueueDepth int
	// MaxConcurrency is the largest capacity the breaker can be given, in
	// [0, MaxBreakerCapacity]. 0 means no limit at all: every request is
	// admitted at once, as queue-proxy behaves with containerConcurrency 0.
	MaxConcurrency int
	// InitialCapacity is the starting number of in-flight slots, in
	// [0, MaxConcurrency].
	InitialCapacity int
}

// Validate reports the first invalid field, with Knative's wording.
func (p Params) Validate() error {
	switch {
	case p.MaxConcurrency < 0 || p.MaxConcurrency > MaxBreakerCapacity:
		return fmt.Errorf("max concurrency must be between 0 and %d, got %d", MaxBreakerCapacity, p.MaxConcurrency)
	case p.QueueDepth < 0 || (p.QueueDepth == 0 && p.MaxConcurrency > 0):
		return fmt.Errorf("queue depth must be greater than 0, got %d", p.QueueDepth)
	case p.InitialCapacity < 0 || p.InitialCapacity > p.MaxConcurrency:
		return fmt.Errorf("initial capacity must be between 0 and max concurrency (%d), got %d", p.MaxConcurrency, p.InitialCapacity)
	}
	return nil
}

// ParamsFor returns queue-proxy's breaker parameters for a revision's
// containerConcurrency: queue depth 10 x cc and full capacity from the
// start. ok is false when cc <= 0, where queue-proxy runs no breaker.
func ParamsFor(containerConcurrency int) (p Params, ok bool) {
	if containerConcurrency <= 0 {
		return Params{}, false
	}
	return Params{
		QueueDepth:      10 * containerConcurrency,
		MaxConcurrency:  containerConcurrency,
		InitialCapacity: containerConcurrency,
	}, true
}

// Decision is what Acquire did with a request.
type Decision int

const (
	// Admitted: the request holds a slot and may run now; it must Release.
	Admitted Decision = iota + 1
	// Queued: the request waits; a later Release or UpdateConcurrency
	// returns its id when it is admitted, or Cancel withdraws it.
	Queued
	// Rejected: no slot and no queue place; the request fails with 503.
	Rejected
)

// String names the decision.
func (d Decision) String() string {
	switch d {
	case Admitted:
		return "Admitted"
	case Queued:
		return "Queued"
	case Rejected:
		return "Rejected"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Breaker admits up to Capacity requests at a time and queues up to
// QueueDepth more, first in first out; requests beyond that are rejected.
// Requests are named by caller-chosen ids, unique among waiting requests.
//
// Knative bounds in-flight plus waiting requests by QueueDepth +
// MaxConcurrency. That is the same bound whenever capacity equals
// MaxConcurrency, as it always does in queue-proxy. When capacity is lower
// (the activator's revision breaker) knsim still bounds the waiting
// requests by QueueDepth, which is what the activator's queue depth means.
//
// A Breaker is not safe for concurrent use; shells serialise calls.
type Breaker struct {
	queueDepth     int
	maxConcurrency int
	capacity       int
	inFlight       int
	unlimited      bool

	waiting list.List // of uint64, oldest first
	index   map[uint64]*list.Element
}

// New returns a Breaker, or an error when p is invalid.
func New(p Params) (*Breaker, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Breaker{
		queueDepth:     p.QueueDepth,
		maxConcurrency: p.MaxConcurrency,
		capacity:       p.InitialCapacity,
		unlimited:      p.MaxConcurrency == 0,
		index:          make(map[uint64]*list.Element),
	}, nil
}

// TryAcquire takes a slot if one is free right now and never queues; it is
// Knative's Breaker.Reserve. On true the caller must Release.
func (b *Breaker) TryAcquire() bool {
	if b.unlimited || b.inFlight < b.capacity {
		b.inFlight++
		return true
	}
	return false
}

// Acquire admits the request with the given id if a slot is free, queues
// it if the queue has room, and rejects it otherwise. err is
// ErrRequestQueueFull when rejected for lack of room, ErrDuplicateID when
// id is already waiting, and nil otherwise.
func (b *Breaker) Acquire(id uint64) (Decision, error) {
	if _, dup := b.index[id]; dup {
		return Rejected, ErrDuplicateID
	}
	if b.TryAcquire() {
		return Admitted, nil
	}
	if b.waiting.Len() >= b.queueDepth {
		return Rejected, ErrRequestQueueFull
	}
	b.index[id] = b.waiting.PushBack(id)
	return Queued, nil
}

// Release returns an admitted request's slot and admits waiting requests
// into free slots, returning their ids oldest first (at most one, unless
// capacity grew since). It fails with ErrRelease when nothing is in flight.
func (b *Breaker) Release() ([]uint64, error) {
	if b.inFlight == 0 {
		return nil, ErrRelease
	}
	b.inFlight--
	return b.admit(), nil
}

// Cancel withdraws a waiting request, as when its context ends; it reports
// whether id was waiting. A request already admitted is not affected: its
// owner holds a slot and must Release it.
func (b *Breaker) Cancel(id uint64) bool {
	e, ok := b.index[id]
	if !ok {
		return false
	}
	b.waiting.Remove(e)
	delete(b.index, id)
	return true
}

// UpdateConcurrency sets the capacity and admits waiting requests into any
// slots that opened, returning their ids oldest first. Lowering capacity
// below the in-flight count evicts nobody; new requests wait until enough
// have released. An unlimited breaker accepts only 0, which changes
// nothing.
func (b *Breaker) UpdateConcurrency(capacity int) ([]uint64, error) {
	if capacity < 0 || capacity > b.maxConcurrency {
		return nil, ErrUpdateCapacity
	}
	b.capacity = capacity
	return b.admit(), nil
}

// admit moves waiting requests into free slots, oldest first.
func (b *Breaker) admit() []uint64 {
	var out []uint64
	for b.waiting.Len() > 0 && (b.unlimited || b.inFlight < b.capacity) {
		id := b.waiting.Remove(b.waiting.Front()).(uint64)
		delete(b.index, id)
		b.inFlight++
		out = append(out, id)
	}
	return out
}

// Capacity is the number of requests allowed in flight (0 for an
// unlimited breaker, as Knative reports for MaxConcurrency 0).
func (b *Breaker) Capacity() int { return b.capacity }

// Unlimited reports whether the breaker admits everything (MaxConcurrency 0).
func (b *Breaker) Unlimited() bool { return b.unlimited }

// InFlight is the number of admitted, unreleased requests.
func (b *Breaker) InFlight() int { return b.inFlight }

// Waiting is the number of queued requests.
func (b *Breaker) Waiting() int { return b.waiting.Len() }

// WaitingIDs lists the queued requests' ids, oldest first.
func (b *Breaker) WaitingIDs() []uint64 {
	out := make([]uint64, 0, b.waiting.Len())
	for e := b.waiting.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(uint64))
	}
	return out
}
