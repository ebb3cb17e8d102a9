package eventplane

import (
	"fmt"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/sim/fault"
	"github.com/knsim/knsim/system/eventing/filter"
)

// Subscribers: how a subscriber Service treats the events it gets, on top
// of what its containers do in the Serving data plane (errors, down
// windows, replies).

// Behaviour is how a subscriber Service treats the events it gets, on top
// of what its containers do in the data plane.
type Behaviour struct {
	// Faults of the subscriber, in the simulator's one fault model: a Down
	// fault fails every event at once with its status, without reaching
	// the containers, while it is active; a fault with an error rate turns
	// that share of 2xx answers into its status. The first active one of
	// each kind applies.
	Faults []fault.Fault
	// Reply, when set, answers some events with a CloudEvent.
	Reply *Reply
}

// Reply describes a subscriber's reply.
type Reply struct {
	// Type of the reply; "" replies with the event received (same id).
	Type string
	// Source of a typed reply (default "/knsim/subscribers/<service>").
	Source string
	// Probability of a reply for an event that passes When (0 means 1).
	Probability float64
	// When restricts replies to events it passes (nil: every event).
	When *filter.Filter
}

// makeReply is a subscriber's reply to in, or nil.
func (p *Plane) makeReply(in *cloudevents.Event, r *Reply, service string) *cloudevents.Event {
	if r.When != nil && r.When.MatchPtr(in) == filter.Fail {
		return nil
	}
	if r.Probability > 0 && r.Probability < 1 && p.rand.Float64() >= r.Probability {
		return nil
	}
	out := in.Clone()
	if r.Type != "" {
		p.nextID++
		out.SetID(fmt.Sprintf("knsim-reply-%d", p.nextID))
		out.SetType(r.Type)
		src := r.Source
		if src == "" {
			src = "/knsim/subscribers/" + service
		}
		out.SetSource(src)
	}
	p.stats.Replies++
	return &out
}
