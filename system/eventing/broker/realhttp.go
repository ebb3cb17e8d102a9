package broker

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
)

// Handler is the real broker: an http.Handler for the ingress that reads
// CloudEvents with the sdk-go binding (binary or structured, 0.3 or 1.0),
// answers with the Ingress core's status, and runs the fan-out's deliveries
// on a delivery.Dispatcher. Subscriber replies go straight back into the
// ingress core (in-process, TTL decremented) and fan out again.
//
// The handler bounds what it holds (see Bounds): bodies being read at
// once (429 Too Many Requests above it) and accepted events whose
// deliveries have not finished, by count and bytes (503 Service
// Unavailable above either). Both answers carry Retry-After: 1, and
// Knative's senders retry both.
type Handler struct {
	ingress    *Ingress
	dispatcher *delivery.Dispatcher
	clock      clock.PassiveClock
	maxBytes   int64
	observe    delivery.Observer
	bounds     Bounds

	reading       atomic.Int64 // body bytes reserved by requests being read
	pendingEvents atomic.Int64 // accepted events with deliveries not finished
	pendingBytes  atomic.Int64 // their sizes
}

// Defaults of Bounds.
const (
	// DefaultMaxReadingBytes bounds the bodies being read at once.
	DefaultMaxReadingBytes int64 = 64 << 20
	// DefaultMaxPendingEvents bounds the accepted events still being
	// delivered, as the activator's queue depth bounds its requests.
	DefaultMaxPendingEvents int64 = 10000
	// DefaultMaxPendingBytes bounds the bytes of those events.
	DefaultMaxPendingBytes int64 = 256 << 20
)

// Bounds limit what the broker ingress holds in memory. Zero fields take
// the defaults; negative ones are refused.
type Bounds struct {
	// MaxReadingBytes bounds the bodies being read at once, each counted
	// by its Content-Length (by the body limit when it has none). A
	// request that would pass it gets 429.
	MaxReadingBytes int64
	// MaxPendingEvents bounds the accepted events whose deliveries (with
	// their retries and dead-lettering) have not finished. At the bound,
	// requests get 503.
	MaxPendingEvents int64
	// MaxPendingBytes bounds the sizes (data and attributes) of those
	// events. At the bound, requests get 503.
	MaxPendingBytes int64
}

// withDefaults validates b and fills in its zero fields.
func (b Bounds) withDefaults() (Bounds, error) {
	if b.MaxReadingBytes < 0 || b.MaxPendingEvents < 0 || b.MaxPendingBytes < 0 {
		return b, fmt.Errorf("broker: negative bound in %+v", b)
	}
	if b.MaxReadingBytes == 0 {
		b.MaxReadingBytes = DefaultMaxReadingBytes
	}
	if b.MaxPendingEvents == 0 {
		b.MaxPendingEvents = DefaultMaxPendingEvents
	}
	if b.MaxPendingBytes == 0 {
		b.MaxPendingBytes = DefaultMaxPendingBytes
	}
	return b, nil
}

// HandlerOptions configure NewHandler.
type HandlerOptions struct {
	// MaxBodyBytes bounds request bodies (413 above it); 0 means
	// wire.DefaultMaxBodyBytes (4 MiB).
	MaxBodyBytes int64
	// Observe, if set, is told every delivery decision after the handler
	// has counted it and re-ingested any reply (for tests and tracing).
	Observe delivery.Observer
	// Bounds limit what the handler buffers (zero fields: defaults).
	Bounds Bounds
}

// NewHandler returns the real broker ingress over in, dispatching with x
// and reading the time from clk. It panics on invalid options; use
// NewBoundedHandler to get an error instead.
func NewHandler(in *Ingress, x *delivery.Dispatcher, clk clock.PassiveClock, opts HandlerOptions) *Handler {
	h, err := NewBoundedHandler(in, x, clk, opts)
	if err != nil {
		panic(err)
	}
	return h
}

// NewBoundedHandler is NewHandler returning an error for invalid options:
// a missing ingress, dispatcher or clock, or negative bounds.
func NewBoundedHandler(in *Ingress, x *delivery.Dispatcher, clk clock.PassiveClock, opts HandlerOptions) (*Handler, error) {
	if in == nil || x == nil || clk == nil {
		return nil, errors.New("broker: NewHandler needs an ingress, a dispatcher and a clock")
	}
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		limit = wire.DefaultMaxBodyBytes
	}
	b, err := opts.Bounds.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Handler{ingress: in, dispatcher: x, clock: clk, maxBytes: limit, observe: opts.Observe, bounds: b}, nil
}

// Pending reports the accepted events whose deliveries have not finished
// and their bytes.
func (h *Handler) Pending() (events, bytes int64) {
	return h.pendingEvents.Load(), h.pendingBytes.Load()
}

// ServeHTTP implements the broker ingress.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var (
		ev  *cloudevents.Event
		err error
	)
	key, pathStatus := ParsePath(r.URL.Path)
	if r.Method == http.MethodPost && pathStatus == 0 {
		if !h.admit(w) {
			return
		}
		reserve := r.ContentLength
		switch {
		case reserve > h.maxBytes:
			reserve = 0 // refused before reading (413)
		case reserve < 0:
			reserve = h.maxBytes
		}
		if !h.reserve(reserve) {
			h.overloaded(w, http.StatusTooManyRequests,
				fmt.Sprintf("broker ingress is reading %d bytes of request bodies already (limit %d); retry later", h.reading.Load(), h.bounds.MaxReadingBytes))
			return
		}
		ev, err = wire.ReadRequest(r, h.maxBytes)
		h.reading.Add(-reserve)
	}
	resp := h.ingress.accept(h.clock.Now(), r.Method, key, pathStatus, ev, err)
	switch resp.Status {
	case http.StatusOK:
		// CloudEvents HTTP webhook handshake, as Knative answers OPTIONS.
		w.Header().Set("Allow", "POST, OPTIONS")
		w.Header().Set("WebHook-Allowed-Origin", "*")
		w.Header().Set("WebHook-Allowed-Rate", "*")
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", "POST, OPTIONS")
	}
	if msg := statusText(resp); msg != "" {
		// The reason in words; never an address or an internal error.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if resp.Status == http.StatusRequestTimeout {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(resp.Status)
		_, _ = io.WriteString(w, msg+"\n")
		return
	}
	w.WriteHeader(resp.Status)
	if resp.Accepted() {
		h.fanout(resp)
	}
}

// statusText is the body of an error answer that says more than its
// status ("" for the others, which keep Knative's empty bodies).
func statusText(resp Response) string {
	switch resp.Reason {
	case ReasonTimeout:
		return "request body not received in time"
	}
	return ""
}

// admit reports whether the ingress is below its pending bounds, and
// answers 503 otherwise.
func (h *Handler) admit(w http.ResponseWriter) bool {
	if n := h.pendingEvents.Load(); n >= h.bounds.MaxPendingEvents {
		h.overloaded(w, http.StatusServiceUnavailable,
			fmt.Sprintf("broker ingress has %d events waiting for delivery (limit %d); retry later", n, h.bounds.MaxPendingEvents))
		return false
	}
	if n := h.pendingBytes.Load(); n >= h.bounds.MaxPendingBytes {
		h.overloaded(w, http.StatusServiceUnavailable,
			fmt.Sprintf("broker ingress holds %d bytes of events waiting for delivery (limit %d); retry later", n, h.bounds.MaxPendingBytes))
		return false
	}
	return true
}

// reserve takes n bytes of the reading budget, or reports false.
func (h *Handler) reserve(n int64) bool {
	if n == 0 {
		return true
	}
	if h.reading.Add(n) > h.bounds.MaxReadingBytes {
		h.reading.Add(-n)
		return false
	}
	return true
}

// overloaded answers a request the ingress has no room for, counted as
// ReasonOverload.
func (h *Handler) overloaded(w http.ResponseWriter, status int, msg string) {
	h.ingress.counters.reject(ReasonOverload)
	w.Header().Set("Retry-After", "1")
	http.Error(w, msg, status)
}

// pending is an accepted event while its deliveries run: one reference
// for the fan-out, one for each delivery.
type pending struct {
	h    *Handler
	size int64
	refs atomic.Int32
}

// done drops a reference; the last one takes the event off the pending
// bounds.
func (p *pending) done() {
	if p.refs.Add(-1) == 0 {
		p.h.pendingEvents.Add(-1)
		p.h.pendingBytes.Add(-p.size)
	}
}

// eventSize is what an event holds in memory, roughly: its data and
// attributes.
func eventSize(ev *cloudevents.Event) int64 {
	n := int64(len(ev.DataEncoded)) + int64(len(ev.ID())+len(ev.Source())+len(ev.Type())+len(ev.Subject())+len(ev.DataSchema())) + 256
	for k, v := range ev.Extensions() {
		n += int64(len(k)) + 16
		if s, ok := v.(string); ok {
			n += int64(len(s))
		}
	}
	return n
}

// fanout starts the deliveries of an accepted event, counting it as
// pending until they all finish.
func (h *Handler) fanout(resp Response) {
	if resp.Event == nil {
		return
	}
	p := &pending{h: h, size: eventSize(resp.Event)}
	p.refs.Store(1)
	h.pendingEvents.Add(1)
	h.pendingBytes.Add(p.size)
	h.ingress.fanout(resp, func(d Dispatch) {
		p.refs.Add(1)
		h.dispatcher.Start(d.Delivery, h.observer(d, p))
	})
	p.done()
}

// observer counts d's decisions, re-ingests a subscriber's reply and
// releases p at d's final decision.
func (h *Handler) observer(d Dispatch, p *pending) delivery.Observer {
	return func(del *delivery.Delivery, dec delivery.Decision) {
		h.ingress.Counters().Observe(del, dec)
		if dec.Action != delivery.Retry && dec.Action != delivery.DeadLetter {
			defer p.done()
		}
		if dec.Action == delivery.Done && dec.Reply != nil && del.Kind() == delivery.ToSubscriber {
			if r := h.ingress.Reply(h.clock.Now(), d, dec.Reply); r.Accepted() {
				h.fanout(r)
			}
		}
		if h.observe != nil {
			h.observe(del, dec)
		}
	}
}
