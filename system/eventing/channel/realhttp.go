package channel

import (
	"net/http"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
)

// Handler is the real in-memory channel: an http.Handler that reads
// CloudEvents with the sdk-go binding, answers 202 as soon as the core
// accepts, and runs the fan-out (and replies) on a delivery.Dispatcher.
type Handler struct {
	core     *Dispatcher
	x        *delivery.Dispatcher
	maxBytes int64
	observe  delivery.Observer
}

// HandlerOptions configure NewHandler.
type HandlerOptions struct {
	// MaxBodyBytes bounds request bodies; 0 means wire.DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Observe, if set, is told every delivery decision after counting.
	Observe delivery.Observer
}

// NewHandler returns the real channel receiver over core, delivering with x.
func NewHandler(core *Dispatcher, x *delivery.Dispatcher, opts HandlerOptions) *Handler {
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		limit = wire.DefaultMaxBodyBytes
	}
	return &Handler{core: core, x: x, maxBytes: limit, observe: opts.Observe}
}

// ServeHTTP implements the channel receiver.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var (
		ev  *cloudevents.Event
		err error
	)
	if r.Method == http.MethodPost {
		if _, status := ParseTarget(r.Host, r.URL.Path); status == 0 {
			ev, err = wire.ReadRequest(r, h.maxBytes)
		}
	}
	resp := h.core.Accept(r.Method, r.Host, r.URL.Path, ev, err)
	switch resp.Status {
	case http.StatusOK:
		w.Header().Set("Allow", "POST, OPTIONS")
		w.Header().Set("WebHook-Allowed-Origin", "*")
		w.Header().Set("WebHook-Allowed-Rate", "*")
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", "POST, OPTIONS")
	}
	w.WriteHeader(resp.Status)
	for _, d := range h.core.Fanout(resp) {
		h.x.Start(d.Delivery, h.observer(d))
	}
}

// observer counts decisions and forwards replies to the replyUri.
func (h *Handler) observer(d Dispatch) delivery.Observer {
	return func(del *delivery.Delivery, dec delivery.Decision) {
		h.core.Counters().Observe(del, dec)
		if dec.Action == delivery.Done && dec.Reply != nil && del.Kind() == delivery.ToSubscriber {
			if rd := h.core.ReplyDelivery(d, dec.Reply); rd != nil {
				h.x.Start(rd, h.observer(d))
			}
		}
		if h.observe != nil {
			h.observe(del, dec)
		}
	}
}
