package broker

import (
	"sync/atomic"

	"github.com/knsim/knsim/system/eventing/delivery"
)

// Reason says why the ingress did not accept a request.
type Reason string

// Reasons for not accepting.
const (
	ReasonMethod        Reason = "method"        // 405: not POST
	ReasonPath          Reason = "path"          // 400/404: not /{namespace}/{broker}
	ReasonUnknownBroker Reason = "unknownBroker" // 404
	ReasonInvalidEvent  Reason = "invalidEvent"  // 400
	ReasonTooLarge      Reason = "tooLarge"      // 413
	ReasonTTL           Reason = "ttl"           // 400: TTL exhausted (counted as DroppedTTL)
	ReasonTimeout       Reason = "timeout"       // 408: the body did not arrive within the listener's body timeout
	ReasonOverload      Reason = "overload"      // 429/503: the ingress is at one of its Bounds
)

// rejectReasons are the reasons counted under Rejected, in index order.
var rejectReasons = [...]Reason{ReasonMethod, ReasonPath, ReasonUnknownBroker, ReasonInvalidEvent, ReasonTooLarge, ReasonTimeout, ReasonOverload}

func reasonIndex(r Reason) int {
	for i, x := range rejectReasons {
		if x == r {
			return i
		}
	}
	return -1
}

// Counters count what happens to events in a broker. They are safe for
// concurrent use; the zero value is ready.
type Counters struct {
	accepted, droppedTTL, filteredOut, dispatched, replies atomic.Int64
	rejected                                               [len(rejectReasons)]atomic.Int64
	delivery                                               delivery.Stats
}

// Snapshot is a point-in-time copy of Counters.
type Snapshot struct {
	// Accepted events (202), replies included.
	Accepted int64
	// Rejected requests by reason (405, 404, 400, 408, 413, 429, 503);
	// only non-zero reasons.
	Rejected map[Reason]int64
	// DroppedTTL events whose TTL ran out.
	DroppedTTL int64
	// FilteredOut (event, trigger) pairs the trigger's filter failed.
	FilteredOut int64
	// Dispatched deliveries started to subscribers.
	Dispatched int64
	// Delivered deliveries a subscriber took (2xx).
	Delivered int64
	// Retries attempts after the first, over all deliveries.
	Retries int64
	// DeadLettered events a dead letter sink took.
	DeadLettered int64
	// Lost deliveries that failed with no dead letter sink, or whose dead
	// letter sink failed too.
	Lost int64
	// Replies subscriber replies put back into the broker.
	Replies int64
}

// Snapshot copies the counters.
func (c *Counters) Snapshot() Snapshot {
	s := Snapshot{
		Accepted:    c.accepted.Load(),
		DroppedTTL:  c.droppedTTL.Load(),
		FilteredOut: c.filteredOut.Load(),
		Dispatched:  c.dispatched.Load(),
		Replies:     c.replies.Load(),
		Rejected:    map[Reason]int64{},
	}
	d := c.delivery.Snapshot()
	s.Delivered, s.Retries, s.DeadLettered, s.Lost = d.Delivered, d.Retries, d.DeadLettered, d.Lost
	for i, r := range rejectReasons {
		if n := c.rejected[i].Load(); n > 0 {
			s.Rejected[r] = n
		}
	}
	return s
}

// reject counts a request that was not accepted.
func (c *Counters) reject(r Reason) {
	if r == ReasonTTL {
		c.droppedTTL.Add(1)
		return
	}
	if i := reasonIndex(r); i >= 0 {
		c.rejected[i].Add(1)
	}
}

// Observe counts one delivery decision (any shell calls it for every
// decision a delivery.Delivery makes).
func (c *Counters) Observe(d *delivery.Delivery, dec delivery.Decision) {
	c.delivery.Observe(d, dec)
}
