package delivery

import "sync/atomic"

// Stats counts delivery outcomes from the decisions shells report. It is
// safe for concurrent use; the zero value is ready.
type Stats struct {
	delivered, forwarded, retries, deadLettered, lost atomic.Int64
}

// StatsSnapshot is a point-in-time copy of Stats.
type StatsSnapshot struct {
	// Delivered deliveries a subscriber took (2xx).
	Delivered int64
	// Forwarded replies a reply destination took.
	Forwarded int64
	// Retries are attempts after the first, over all deliveries.
	Retries int64
	// DeadLettered events a dead letter sink took.
	DeadLettered int64
	// Lost deliveries that failed with no dead letter sink, or whose dead
	// letter sink failed too.
	Lost int64
}

// Observe counts one decision of d.
func (s *Stats) Observe(d *Delivery, dec Decision) {
	switch dec.Action {
	case Retry:
		s.retries.Add(1)
	case Done:
		switch d.Kind() {
		case ToSubscriber:
			s.delivered.Add(1)
		case ToReply:
			s.forwarded.Add(1)
		case ToDeadLetter:
			s.deadLettered.Add(1)
		}
	case Drop:
		s.lost.Add(1)
	}
}

// Snapshot copies the counts.
func (s *Stats) Snapshot() StatsSnapshot {
	return StatsSnapshot{
		Delivered:    s.delivered.Load(),
		Forwarded:    s.forwarded.Load(),
		Retries:      s.retries.Load(),
		DeadLettered: s.deadLettered.Load(),
		Lost:         s.lost.Load(),
	}
}
