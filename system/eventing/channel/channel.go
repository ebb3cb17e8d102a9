package channel

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/network"
)

// Key names a channel: its namespace and name.
type Key struct {
	Namespace string
	Name      string
}

// String returns "namespace/name".
func (k Key) String() string { return k.Namespace + "/" + k.Name }

// Subscriber is one subscription of a channel, resolved.
type Subscriber struct {
	// UID of the Subscription.
	UID string
	// Name is the Subscription's "namespace/name" when known ("": not
	// known). The durable channel class names a subscriber's consumer
	// after it, so a Subscription applied again (with a new UID) resumes
	// its consumer; the in-memory class ignores it.
	Name string
	// SubscriberURI receives the events.
	SubscriberURI string
	// ReplyURI receives the subscriber's replies; "" drops them.
	ReplyURI string
	// Delivery for this subscriber (retries, dead letter sink).
	Delivery delivery.Policy
}

// SubscriberFromSpec resolves a channel's spec.subscribers entry.
func SubscriberFromSpec(s duck.SubscriberSpec) (Subscriber, error) {
	p, err := delivery.FromSpec(s.Delivery)
	if err != nil {
		return Subscriber{}, fmt.Errorf("subscriber %s: delivery: %w", s.UID, err)
	}
	return Subscriber{UID: s.UID, SubscriberURI: s.SubscriberURI, ReplyURI: s.ReplyURI, Delivery: p}, nil
}

// Reason says why a request was not accepted.
type Reason string

// Reasons for not accepting.
const (
	ReasonMethod         Reason = "method"         // 405
	ReasonPath           Reason = "path"           // 400: bad path or host
	ReasonUnknownChannel Reason = "unknownChannel" // 404
	ReasonInvalidEvent   Reason = "invalidEvent"   // 400
	ReasonTooLarge       Reason = "tooLarge"       // 413
	ReasonTimeout        Reason = "timeout"        // 408: body not received within the listener's body timeout
)

// Response is the receiver's answer to one request.
type Response struct {
	// Status is the HTTP status.
	Status int
	// Reason is set when the event was not accepted.
	Reason Reason
	// Channel addressed (when it could be parsed).
	Channel Key
	// Event accepted (202 only).
	Event *cloudevents.Event
}

// Accepted reports whether the event was taken (202).
func (r Response) Accepted() bool { return r.Status == http.StatusAccepted }

// Dispatch is one delivery to start for an accepted event.
type Dispatch struct {
	// Channel the event came through.
	Channel Key
	// Subscriber that gets it.
	Subscriber *Subscriber
	// Delivery to run.
	Delivery *delivery.Delivery
}

// Counters count a dispatcher's traffic; safe for concurrent use.
type Counters struct {
	accepted, dispatched, replies, repliesDropped atomic.Int64
	rejected                                      sync.Map // Reason -> *atomic.Int64
	delivery                                      delivery.Stats
}

// Snapshot is a point-in-time copy of Counters.
type Snapshot struct {
	// Accepted events (202).
	Accepted int64
	// Rejected requests by reason.
	Rejected map[Reason]int64
	// Dispatched deliveries started to subscribers.
	Dispatched int64
	// Replies received from subscribers.
	Replies int64
	// RepliesDropped replies of subscribers without a replyUri.
	RepliesDropped int64
	// Delivery outcomes (delivered, forwarded replies, retries,
	// dead-lettered, lost).
	Delivery delivery.StatsSnapshot
}

// Snapshot copies the counters.
func (c *Counters) Snapshot() Snapshot {
	s := Snapshot{
		Accepted:       c.accepted.Load(),
		Dispatched:     c.dispatched.Load(),
		Replies:        c.replies.Load(),
		RepliesDropped: c.repliesDropped.Load(),
		Rejected:       map[Reason]int64{},
		Delivery:       c.delivery.Snapshot(),
	}
	c.rejected.Range(func(k, v any) bool {
		s.Rejected[k.(Reason)] = v.(*atomic.Int64).Load()
		return true
	})
	return s
}

// Observe counts a delivery decision.
func (c *Counters) Observe(d *delivery.Delivery, dec delivery.Decision) {
	c.delivery.Observe(d, dec)
}

func (c *Counters) reject(r Reason) {
	v, _ := c.rejected.LoadOrStore(r, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// Dispatcher is the in-memory channel dispatcher core for many channels.
// It is safe for concurrent use: channels are swapped in atomically.
type Dispatcher struct {
	mu       sync.Mutex
	channels atomic.Pointer[map[Key][]Subscriber]
	counters Counters
}

// NewDispatcher returns a dispatcher with no channels.
func NewDispatcher() *Dispatcher {
	d := &Dispatcher{}
	m := map[Key][]Subscriber{}
	d.channels.Store(&m)
	return d
}

// Counters are the dispatcher's counters.
func (x *Dispatcher) Counters() *Counters { return &x.counters }

// SetChannel adds or replaces a channel and its subscribers.
func (x *Dispatcher) SetChannel(k Key, subs []Subscriber) {
	x.update(func(m map[Key][]Subscriber) { m[k] = append([]Subscriber(nil), subs...) })
}

// DeleteChannel forgets a channel.
func (x *Dispatcher) DeleteChannel(k Key) {
	x.update(func(m map[Key][]Subscriber) { delete(m, k) })
}

func (x *Dispatcher) update(fn func(map[Key][]Subscriber)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old := *x.channels.Load()
	m := make(map[Key][]Subscriber, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	fn(m)
	x.channels.Store(&m)
}

// ParseTarget finds the channel of a request: by path /{namespace}/{name},
// or, when the path is "/", by host {name}-kn-channel.{namespace}.svc...
// It returns 400 for a malformed path and 404 for a host that names no
// channel.
func ParseTarget(host, path string) (Key, int) {
	if path != "/" && path != "" {
		parts := strings.Split(strings.TrimSuffix(path, "/"), "/")
		if len(parts) != 3 || parts[0] != "" || parts[1] == "" || parts[2] == "" {
			return Key{}, http.StatusBadRequest
		}
		return Key{Namespace: parts[1], Name: parts[2]}, 0
	}
	name, ns, ok := network.ParseChannelHost(host)
	if !ok {
		return Key{}, http.StatusNotFound
	}
	return Key{Namespace: ns, Name: name}, 0
}

// Accept handles one request: ev is the decoded event, or nil with
// decodeErr (wrapping eventing.ErrBodyTooLarge for an oversized body, 413,
// or httpserve.ErrBodyTimeout for a body that came too late, 408).
func (x *Dispatcher) Accept(method, host, path string, ev *cloudevents.Event, decodeErr error) Response {
	if method == http.MethodOptions {
		return Response{Status: http.StatusOK}
	}
	if method != http.MethodPost {
		return x.reject(Response{Status: http.StatusMethodNotAllowed, Reason: ReasonMethod})
	}
	key, status := ParseTarget(host, path)
	switch {
	case status == http.StatusNotFound:
		return x.reject(Response{Status: status, Reason: ReasonUnknownChannel})
	case status != 0:
		return x.reject(Response{Status: status, Reason: ReasonPath})
	case errors.Is(decodeErr, eventing.ErrBodyTooLarge):
		return x.reject(Response{Status: http.StatusRequestEntityTooLarge, Reason: ReasonTooLarge, Channel: key})
	case httpserve.IsBodyTimeout(decodeErr):
		return x.reject(Response{Status: http.StatusRequestTimeout, Reason: ReasonTimeout, Channel: key})
	case decodeErr != nil || ev == nil:
		return x.reject(Response{Status: http.StatusBadRequest, Reason: ReasonInvalidEvent, Channel: key})
	}
	if err := ev.Validate(); err != nil {
		return x.reject(Response{Status: http.StatusBadRequest, Reason: ReasonInvalidEvent, Channel: key})
	}
	if _, ok := (*x.channels.Load())[key]; !ok {
		return x.reject(Response{Status: http.StatusNotFound, Reason: ReasonUnknownChannel, Channel: key})
	}
	x.counters.accepted.Add(1)
	return Response{Status: http.StatusAccepted, Channel: key, Event: ev}
}

func (x *Dispatcher) reject(r Response) Response {
	x.counters.reject(r.Reason)
	return r
}

// Fanout returns one delivery per subscriber of the accepted event's
// channel; the event is shared read-only by the deliveries.
func (x *Dispatcher) Fanout(r Response) []Dispatch {
	if !r.Accepted() || r.Event == nil {
		return nil
	}
	subs := (*x.channels.Load())[r.Channel]
	if len(subs) == 0 {
		return nil
	}
	ds := make([]Dispatch, len(subs))
	for i := range subs {
		s := &subs[i]
		ds[i] = Dispatch{
			Channel:    r.Channel,
			Subscriber: s,
			Delivery:   delivery.New(r.Event, s.SubscriberURI, s.Delivery, delivery.Options{DiscardNonEventReply: true}),
		}
	}
	x.counters.dispatched.Add(int64(len(ds)))
	return ds
}

// ReplyDelivery returns the delivery of a subscriber's reply to its
// replyUri, under the subscriber's policy, dead-lettering the original
// event on failure; nil (and counted as dropped) when there is no replyUri.
func (x *Dispatcher) ReplyDelivery(d Dispatch, reply *cloudevents.Event) *delivery.Delivery {
	x.counters.replies.Add(1)
	if d.Subscriber.ReplyURI == "" {
		x.counters.repliesDropped.Add(1)
		return nil
	}
	return delivery.New(reply, d.Subscriber.ReplyURI, d.Subscriber.Delivery,
		delivery.Options{Kind: delivery.ToReply, DeadLetterEvent: d.Delivery.Event()})
}
