package jetstream

import (
	"errors"
	"net/http"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/nats-io/nats.go"

	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/wire"
	"github.com/knsim/knsim/system/httpserve"
)

// ReasonUnavailable: the event could not be stored (JetStream did not ack
// the publish, or the channels are closing); 503.
const ReasonUnavailable channel.Reason = "unavailable"

// ServeHTTP is the channel ingress, as the in-memory channel's receiver:
// OPTIONS answers the webhook handshake, other methods than POST get 405;
// the channel is found by path /{namespace}/{name} or by host
// {name}-kn-channel.{namespace}.svc...; a body that is not a valid
// CloudEvent (binary or structured mode) gets 400, one over MaxBodyBytes
// 413, an unknown channel 404. An accepted event is published to the
// channel's stream and answered 202 only after JetStream acked (stored)
// it; a publish JetStream does not ack gets 503.
func (c *Channels) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodOptions:
		w.Header().Set("Allow", "POST, OPTIONS")
		w.Header().Set("WebHook-Allowed-Origin", "*")
		w.Header().Set("WebHook-Allowed-Rate", "*")
		w.WriteHeader(http.StatusOK)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		c.fail(w, http.StatusMethodNotAllowed, channel.ReasonMethod)
		return
	}
	key, status := channel.ParseTarget(r.Host, r.URL.Path)
	switch status {
	case 0:
	case http.StatusNotFound:
		c.fail(w, status, channel.ReasonUnknownChannel)
		return
	default:
		c.fail(w, status, channel.ReasonPath)
		return
	}
	ev, err := wire.ReadRequest(r, c.cfg.MaxBodyBytes)
	switch {
	case errors.Is(err, eventing.ErrBodyTooLarge):
		c.fail(w, http.StatusRequestEntityTooLarge, channel.ReasonTooLarge)
		return
	case httpserve.IsBodyTimeout(err):
		c.fail(w, http.StatusRequestTimeout, channel.ReasonTimeout)
		return
	case err != nil:
		c.fail(w, http.StatusBadRequest, channel.ReasonInvalidEvent)
		return
	}
	if err := ev.Validate(); err != nil {
		c.fail(w, http.StatusBadRequest, channel.ReasonInvalidEvent)
		return
	}
	subject, ok := (*c.routes.Load())[key]
	if !ok {
		c.fail(w, http.StatusNotFound, channel.ReasonUnknownChannel)
		return
	}
	if c.isClosing() {
		c.fail(w, http.StatusServiceUnavailable, ReasonUnavailable)
		return
	}
	if status, err := c.publish(r, subject, ev); err != nil {
		c.counters.publishFailed.Add(1)
		reason := ReasonUnavailable
		if status == http.StatusRequestEntityTooLarge {
			reason = channel.ReasonTooLarge
		}
		c.log.Sugar().Debugw("jetstream publish failed", "channel", key.String(), "error", err)
		c.fail(w, status, reason)
		return
	}
	c.counters.accepted.Add(1)
	w.WriteHeader(http.StatusAccepted)
}

// publish stores ev in the channel's stream and waits for JetStream's ack.
func (c *Channels) publish(r *http.Request, subject string, ev *cloudevents.Event) (int, error) {
	m, err := encode(subject, ev)
	if err != nil {
		return http.StatusBadRequest, err
	}
	if _, err := c.js.PublishMsg(r.Context(), m); err != nil {
		if errors.Is(err, nats.ErrMaxPayload) {
			return http.StatusRequestEntityTooLarge, err
		}
		return http.StatusServiceUnavailable, err
	}
	return 0, nil
}

func (c *Channels) fail(w http.ResponseWriter, status int, r channel.Reason) {
	c.counters.reject(r)
	w.WriteHeader(status)
}
