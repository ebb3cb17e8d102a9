package eventplane

import (
	"slices"
	"time"
)

// Counting: the records and counters of the plane, and the receipts that
// tell a delivery from a duplicate and a loss from a late answer.

// RecordKind names what a Record counts.
type RecordKind string

// The record kinds; see the package documentation for their meaning.
const (
	Produced     RecordKind = "produced"
	Accepted     RecordKind = "accepted"
	Rejected     RecordKind = "rejected"
	Delivered    RecordKind = "delivered"
	Duplicate    RecordKind = "duplicate"
	Retried      RecordKind = "retry"
	DeadLettered RecordKind = "deadlettered"
	DroppedTTL   RecordKind = "droppedTTL"
	Filtered     RecordKind = "filtered"
	Lost         RecordKind = "lost"
)

// Record is one counted occurrence.
type Record struct {
	Kind RecordKind
	// At is when it happened.
	At time.Time
	// Service is the destination Service ("namespace/name"), when the
	// occurrence concerns a delivery to one.
	Service string
	// Latency from the producer's send (Delivered only).
	Latency time.Duration
}

// Stats are the plane's counters.
type Stats struct {
	Produced, Accepted, Rejected       int
	Delivered, Duplicates, Retries     int
	DeadLettered, DroppedTTL, Filtered int
	Lost, Replies                      int
	// InFlight counts deliveries still in progress.
	InFlight int
	// Latencies of the deliveries counted in Delivered, in order.
	Latencies []time.Duration
}

// keyState tracks the answers one (event, route, destination) got.
type keyState struct {
	receipts, outstanding int
	pendingLost           bool
	service               string
	at                    time.Time
}

// Finish ends the run at now: deliveries that failed while an answer was
// still on its way, and got none, count as lost. It returns the counters.
func (p *Plane) Finish(now time.Time) Stats {
	if !p.finished {
		p.finished = true
		keys := make([]string, 0, len(p.keys))
		for k, ks := range p.keys {
			if ks.pendingLost && ks.receipts == 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			ks := p.keys[k]
			ks.pendingLost = false
			p.count(Record{Kind: Lost, At: now, Service: ks.service})
		}
	}
	return p.Stats()
}

// Stats returns a copy of the counters.
func (p *Plane) Stats() Stats {
	s := p.stats
	s.Latencies = slices.Clone(p.stats.Latencies)
	s.InFlight = len(p.memory.jobs) + len(p.source.jobs)
	for _, d := range p.durables {
		s.InFlight += len(d.jobs)
	}
	return s
}

// count adds one occurrence to the stats and reports it.
func (p *Plane) count(r Record) {
	s := &p.stats
	switch r.Kind {
	case Produced:
		s.Produced++
	case Accepted:
		s.Accepted++
	case Rejected:
		s.Rejected++
	case Delivered:
		s.Delivered++
		s.Latencies = append(s.Latencies, r.Latency)
	case Duplicate:
		s.Duplicates++
	case Retried:
		s.Retries++
	case DeadLettered:
		s.DeadLettered++
	case DroppedTTL:
		s.DroppedTTL++
	case Filtered:
		s.Filtered++
	case Lost:
		s.Lost++
	}
	if p.cfg.OnRecord != nil {
		p.cfg.OnRecord(r)
	}
}

func (p *Plane) keyState(key, service string) *keyState {
	ks := p.keys[key]
	if ks == nil {
		ks = &keyState{service: service}
		p.keys[key] = ks
	}
	return ks
}

// receipt counts a 2xx answer from the destination.
func (p *Plane) receipt(at time.Time, j *job) {
	ks := p.keyState(j.key, j.service)
	ks.receipts++
	if ks.receipts == 1 {
		p.count(Record{Kind: Delivered, At: at, Service: j.service, Latency: at.Sub(j.born)})
		return
	}
	p.count(Record{Kind: Duplicate, At: at, Service: j.service})
}

// lose counts a delivery given up on, unless its destination answered 2xx
// (then it was delivered) or an answer is still on its way (then the
// answer decides).
func (p *Plane) lose(at time.Time, key, service string) {
	ks := p.keyState(key, service)
	switch {
	case ks.receipts > 0:
	case ks.outstanding > 0:
		ks.pendingLost = true
	default:
		p.count(Record{Kind: Lost, At: at, Service: service})
	}
}
