package broker

import (
	"errors"
	"net/http"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/httpserve"
)

// Response is the ingress's answer to one request.
type Response struct {
	// Status is the HTTP status to answer with.
	Status int
	// Reason says why the event was not accepted ("" when it was, and for
	// OPTIONS).
	Reason Reason
	// Broker is the addressed broker (when the path parsed).
	Broker Key
	// Event is the accepted event, with knativebrokerttl and
	// knativearrivaltime set (202 only).
	Event *cloudevents.Event
}

// Accepted reports whether the event was taken (202).
func (r Response) Accepted() bool { return r.Status == http.StatusAccepted }

// Ingress is the broker ingress and fan-out core. It is safe for
// concurrent use: it keeps no state but the Registry and Counters.
type Ingress struct {
	registry *Registry
	counters *Counters
}

// NewIngress returns an ingress over reg that counts into c (a new Counters
// when nil).
func NewIngress(reg *Registry, c *Counters) *Ingress {
	if c == nil {
		c = &Counters{}
	}
	return &Ingress{registry: reg, counters: c}
}

// Registry is the ingress's broker registry.
func (in *Ingress) Registry() *Registry { return in.registry }

// Counters are the ingress's counters.
func (in *Ingress) Counters() *Counters { return in.counters }

// ParsePath splits /{namespace}/{broker} (a trailing slash allowed). It
// returns the HTTP status for a bad path: 404 for "/", 400 otherwise.
func ParsePath(path string) (Key, int) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "/" || path == "" {
		return Key{}, http.StatusNotFound
	}
	if path[0] != '/' {
		return Key{}, http.StatusBadRequest
	}
	rest := strings.TrimSuffix(path[1:], "/")
	ns, name, ok := strings.Cut(rest, "/")
	if !ok || strings.IndexByte(name, '/') >= 0 {
		return Key{}, http.StatusBadRequest
	}
	return Key{Namespace: ns, Name: name}, 0
}

// Accept handles one request to the ingress at time now. ev is the
// decoded CloudEvent or nil with decodeErr saying why it could not be read
// (wrapping eventing.ErrBodyTooLarge for an oversized body, 413, or
// httpserve.ErrBodyTimeout for a body that came too late, 408). The checks run
// in Knative's order: method, path, event, broker, TTL. Accept takes
// ownership of ev and sets its extensions.
func (in *Ingress) Accept(now time.Time, method, path string, ev *cloudevents.Event, decodeErr error) Response {
	key, status := ParsePath(path)
	return in.accept(now, method, key, status, ev, decodeErr)
}

// accept is Accept with the path already parsed into key and status.
func (in *Ingress) accept(now time.Time, method string, key Key, status int, ev *cloudevents.Event, decodeErr error) Response {
	if method == http.MethodOptions {
		return Response{Status: http.StatusOK}
	}
	if method != http.MethodPost {
		return in.reject(Response{Status: http.StatusMethodNotAllowed, Reason: ReasonMethod})
	}
	if status != 0 {
		return in.reject(Response{Status: status, Reason: ReasonPath})
	}
	switch {
	case errors.Is(decodeErr, eventing.ErrBodyTooLarge):
		return in.reject(Response{Status: http.StatusRequestEntityTooLarge, Reason: ReasonTooLarge, Broker: key})
	case httpserve.IsBodyTimeout(decodeErr):
		return in.reject(Response{Status: http.StatusRequestTimeout, Reason: ReasonTimeout, Broker: key})
	case decodeErr != nil || ev == nil:
		return in.reject(Response{Status: http.StatusBadRequest, Reason: ReasonInvalidEvent, Broker: key})
	}
	if err := ev.Validate(); err != nil {
		return in.reject(Response{Status: http.StatusBadRequest, Reason: ReasonInvalidEvent, Broker: key})
	}
	return in.AcceptEvent(now, key, ev)
}

// AcceptEvent is Accept for an event already decoded and addressed to a
// broker, as a reply coming back in-process: unknown broker 404, arrival
// time, TTL pass, 202.
func (in *Ingress) AcceptEvent(now time.Time, key Key, ev *cloudevents.Event) Response {
	if _, ok := in.registry.Lookup(key); !ok {
		return in.reject(Response{Status: http.StatusNotFound, Reason: ReasonUnknownBroker, Broker: key})
	}
	SetArrivalTime(ev, now)
	if PassTTL(ev) <= 0 {
		return in.reject(Response{Status: http.StatusBadRequest, Reason: ReasonTTL, Broker: key})
	}
	in.counters.accepted.Add(1)
	return Response{Status: http.StatusAccepted, Broker: key, Event: ev}
}

// reject counts r and returns it.
func (in *Ingress) reject(r Response) Response {
	in.counters.reject(r.Reason)
	return r
}

// Dispatch is one delivery the fan-out asks a shell to run.
type Dispatch struct {
	// Broker the event went through.
	Broker Key
	// Trigger whose subscriber gets the event.
	Trigger *Trigger
	// Delivery to run; its event has no knativebrokerttl.
	Delivery *delivery.Delivery
	// TTL the event had, given back to the subscriber's reply.
	TTL int32
}

// Fanout returns the deliveries for an accepted response: one per trigger
// of the broker whose filter does not fail (counted as filtered out
// otherwise). It takes r.Event: knativebrokerttl is removed from it (the
// value goes to Dispatch.TTL) and the deliveries share it read-only.
func (in *Ingress) Fanout(r Response) []Dispatch {
	var ds []Dispatch
	in.fanout(r, func(d Dispatch) {
		if ds == nil {
			ds = make([]Dispatch, 0, 2)
		}
		ds = append(ds, d)
	})
	return ds
}

// fanout is Fanout handing each dispatch to start as it is made.
func (in *Ingress) fanout(r Response, start func(Dispatch)) {
	if !r.Accepted() || r.Event == nil {
		return
	}
	b, ok := in.registry.Lookup(r.Broker)
	if !ok || len(b.Triggers) == 0 {
		return
	}
	ttl, _ := GetTTL(r.Event)
	out := r.Event
	DeleteTTL(out)
	for i := range b.Triggers {
		t := &b.Triggers[i]
		if !t.Filter.MatchPtr(out).Delivers() {
			in.counters.filteredOut.Add(1)
			continue
		}
		p := b.Delivery
		if t.Delivery != nil {
			p = *t.Delivery
		}
		in.counters.dispatched.Add(1)
		start(Dispatch{
			Broker:   r.Broker,
			Trigger:  t,
			Delivery: delivery.New(out, t.SubscriberURI, p, delivery.Options{}),
			TTL:      ttl,
		})
	}
}

// Reply puts a subscriber's reply back into the broker of d at time now:
// the reply carries d's TTL, which the ingress then decrements (dropping
// the reply when it reaches 0). Reply takes ownership of reply.
func (in *Ingress) Reply(now time.Time, d Dispatch, reply *cloudevents.Event) Response {
	in.counters.replies.Add(1)
	SetTTL(reply, d.TTL)
	return in.AcceptEvent(now, d.Broker, reply)
}
