package delivery

import (
	"net/http"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// Kind says what a Delivery sends to.
type Kind int

const (
	// ToSubscriber delivers to a trigger's or subscription's subscriber;
	// only these deliveries produce replies.
	ToSubscriber Kind = iota
	// ToReply forwards a subscriber's reply to a reply destination.
	ToReply
	// ToDeadLetter sends a failed event to a dead letter sink.
	ToDeadLetter
)

// String returns "subscriber", "reply" or "deadLetter".
func (k Kind) String() string {
	switch k {
	case ToReply:
		return "reply"
	case ToDeadLetter:
		return "deadLetter"
	default:
		return "subscriber"
	}
}

// Attempt is the outcome of one try, as the shell observed it.
type Attempt struct {
	// Status is the HTTP status; ignored when Err is set.
	Status int
	// Err is a transport error or timeout: there was no response.
	Err error
	// RetryAfter is the response's Retry-After header, if any.
	RetryAfter string
	// Body is the response body (as far as the shell read it).
	Body []byte
	// Reply is the CloudEvent a 2xx response carried, if any.
	Reply *cloudevents.Event
	// ReplyErr is set when a 2xx response claimed to be a CloudEvent (by
	// its headers) but did not decode.
	ReplyErr error
}

// Action is what to do after an attempt.
type Action int

const (
	// Done: the destination took the event; forward Decision.Reply if set.
	Done Action = iota + 1
	// Retry: try again after Decision.Wait.
	Retry
	// DeadLetter: retries are exhausted or the failure is final; send
	// Decision.DeadLetter to Decision.DeadLetterURI.
	DeadLetter
	// Drop: the delivery failed and there is no dead letter sink; the event
	// is lost (shells count it, never silently).
	Drop
)

// String returns the action's name.
func (a Action) String() string {
	switch a {
	case Done:
		return "Done"
	case Retry:
		return "Retry"
	case DeadLetter:
		return "DeadLetter"
	case Drop:
		return "Drop"
	default:
		return "None"
	}
}

// Decision is what Delivery.Next says to do.
type Decision struct {
	// Action to take.
	Action Action
	// Wait before the next attempt (Retry only).
	Wait time.Duration
	// Status of the attempt as delivery sees it: the HTTP status, 500 for
	// a transport error, 502 for a 2xx with a body that is not a CloudEvent.
	Status int
	// Attempts made so far, this one included.
	Attempts int
	// Reply is the subscriber's reply event (Done only; may be nil).
	Reply *cloudevents.Event
	// DeadLetter is the event to send to the sink, with the error
	// extensions (DeadLetter only).
	DeadLetter *cloudevents.Event
	// DeadLetterURI is the sink (DeadLetter only).
	DeadLetterURI string
}

// Options tune a Delivery.
type Options struct {
	// Kind of destination; the zero value is ToSubscriber.
	Kind Kind
	// DiscardNonEventReply makes a 2xx with a non-CloudEvent body a
	// success without reply (Knative's channel dispatcher) instead of a 502
	// failure (the broker's filter handler).
	DiscardNonEventReply bool
	// DeadLetterEvent is what gets dead-lettered on failure; nil means the
	// delivered event. A reply forwarding dead-letters the original event.
	DeadLetterEvent *cloudevents.Event
	// Retriable, when set, decides which failed statuses are retried in
	// place of the dispatcher's Retriable: a source adapter's CloudEvents
	// client retries another set (see system/source).
	Retriable func(status int) bool
}

// Delivery is the state machine of one event's delivery to one target. It
// is not safe for concurrent use; a shell drives it from one place at a
// time.
type Delivery struct {
	event  *cloudevents.Event
	target string
	policy Policy
	opts   Options

	attempts int
	finished bool
	final    Decision
}

// New starts the delivery of ev to target under policy p.
func New(ev *cloudevents.Event, target string, p Policy, opts Options) *Delivery {
	return &Delivery{event: ev, target: target, policy: p, opts: opts}
}

// Event is the event to send on every attempt.
func (d *Delivery) Event() *cloudevents.Event { return d.event }

// Target is the destination URI.
func (d *Delivery) Target() string { return d.target }

// Policy is the delivery policy.
func (d *Delivery) Policy() Policy { return d.policy }

// Kind is the kind of destination.
func (d *Delivery) Kind() Kind { return d.opts.Kind }

// Attempts is the number of attempts recorded so far.
func (d *Delivery) Attempts() int { return d.attempts }

// Timeout bounds the next attempt; 0 means none.
func (d *Delivery) Timeout() time.Duration { return d.policy.Timeout }

// Finished reports whether a final decision (Done, DeadLetter, Drop) was made.
func (d *Delivery) Finished() bool { return d.finished }

// Next records one attempt's outcome at time now and decides what follows.
// After a final decision it returns that decision again.
func (d *Delivery) Next(now time.Time, a Attempt) Decision {
	if d.finished {
		return d.final
	}
	d.attempts++
	status, body, ok, reply := d.classify(a)
	if ok {
		return d.finish(Decision{Action: Done, Status: status, Reply: reply})
	}
	isRetriable := Retriable
	if d.opts.Retriable != nil {
		isRetriable = d.opts.Retriable
	}
	retriable := a.Err != nil || isRetriable(status)
	if retriable && d.attempts < d.policy.Attempts() {
		return Decision{
			Action:   Retry,
			Wait:     d.policy.RetryWait(d.attempts, status, a.RetryAfter, now),
			Status:   status,
			Attempts: d.attempts,
		}
	}
	if d.policy.DeadLetterURI == "" {
		return d.finish(Decision{Action: Drop, Status: status})
	}
	base := d.opts.DeadLetterEvent
	if base == nil {
		base = d.event
	}
	return d.finish(Decision{
		Action:        DeadLetter,
		Status:        status,
		DeadLetter:    DeadLetterEvent(base, d.target, status, body),
		DeadLetterURI: d.policy.DeadLetterURI,
	})
}

// classify turns an attempt into (status, body for the dead letter,
// success, reply).
func (d *Delivery) classify(a Attempt) (int, []byte, bool, *cloudevents.Event) {
	if a.Err != nil {
		return http.StatusInternalServerError, []byte("dispatch error: " + a.Err.Error()), false, nil
	}
	if !IsSuccess(a.Status) {
		return a.Status, a.Body, false, nil
	}
	discard := d.opts.DiscardNonEventReply || d.opts.Kind != ToSubscriber
	switch {
	case a.Reply != nil && d.opts.Kind == ToSubscriber:
		return a.Status, nil, true, a.Reply
	case a.Reply != nil, discard:
		return a.Status, nil, true, nil
	case a.ReplyErr != nil || len(a.Body) > 0:
		return http.StatusBadGateway, a.Body, false, nil
	default:
		return a.Status, nil, true, nil
	}
}

// finish records a final decision.
func (d *Delivery) finish(dec Decision) Decision {
	dec.Attempts = d.attempts
	d.final, d.finished = dec, true
	return dec
}

// DeadLetterDelivery returns the delivery of a DeadLetter decision to its
// sink: same policy without a sink of its own, so its failure is a Drop.
// It returns nil for any other decision.
func (d *Delivery) DeadLetterDelivery(dec Decision) *Delivery {
	if dec.Action != DeadLetter || dec.DeadLetter == nil {
		return nil
	}
	return New(dec.DeadLetter, dec.DeadLetterURI, d.policy.WithoutDeadLetter(), Options{Kind: ToDeadLetter})
}
