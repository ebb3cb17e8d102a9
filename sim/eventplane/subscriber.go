package eventplane

import (
	"fmt"
	"net/http"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/eventing/filter"
)

// Subscribers: how a subscriber Service treats the events it gets, on top
// of what its containers do in the Serving data plane (errors, down
// windows, replies).

// Behaviour is how a subscriber Service treats the events it gets, on top
// of what its containers do in the data plane.
type Behaviour struct {
	// ErrorRate is the fraction of 2xx answers turned into Status.
	ErrorRate float64
	// Status of failures (default 500).
	Status int
	// Down lists times when every event fails with Status at once, without
	// reaching the containers.
	Down []Window
	// Reply, when set, answers some events with a CloudEvent.
	Reply *Reply
}

// Window is an interval of virtual time [From, To).
type Window struct{ From, To time.Time }

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

func (b Behaviour) status() int {
	if b.Status == 0 {
		return http.StatusInternalServerError
	}
	return b.Status
}

func (b Behaviour) down(now time.Time) bool {
	for _, w := range b.Down {
		if !now.Before(w.From) && now.Before(w.To) {
			return true
		}
	}
	return false
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
