package broker

import (
	"net/http"

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
type Handler struct {
	ingress    *Ingress
	dispatcher *delivery.Dispatcher
	clock      clock.PassiveClock
	maxBytes   int64
	observe    delivery.Observer
}

// HandlerOptions configure NewHandler.
type HandlerOptions struct {
	// MaxBodyBytes bounds request bodies (413 above it); 0 means
	// wire.DefaultMaxBodyBytes (4 MiB).
	MaxBodyBytes int64
	// Observe, if set, is told every delivery decision after the handler
	// has counted it and re-ingested any reply (for tests and tracing).
	Observe delivery.Observer
}

// NewHandler returns the real broker ingress over in, dispatching with x
// and reading the time from clk.
func NewHandler(in *Ingress, x *delivery.Dispatcher, clk clock.PassiveClock, opts HandlerOptions) *Handler {
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		limit = wire.DefaultMaxBodyBytes
	}
	return &Handler{ingress: in, dispatcher: x, clock: clk, maxBytes: limit, observe: opts.Observe}
}

// ServeHTTP implements the broker ingress.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var (
		ev  *cloudevents.Event
		err error
	)
	key, pathStatus := ParsePath(r.URL.Path)
	if r.Method == http.MethodPost && pathStatus == 0 {
		ev, err = wire.ReadRequest(r, h.maxBytes)
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
	w.WriteHeader(resp.Status)
	if resp.Accepted() {
		h.fanout(resp)
	}
}

// fanout starts the deliveries of an accepted event.
func (h *Handler) fanout(resp Response) {
	h.ingress.fanout(resp, h.start)
}

// start runs one dispatch of the fan-out.
func (h *Handler) start(d Dispatch) {
	h.dispatcher.Start(d.Delivery, h.observer(d))
}

// observer counts d's decisions and re-ingests a subscriber's reply.
func (h *Handler) observer(d Dispatch) delivery.Observer {
	return func(del *delivery.Delivery, dec delivery.Decision) {
		h.ingress.Counters().Observe(del, dec)
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
