package jetstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/nats-io/nats.go"

	"github.com/knsim/knsim/system/eventing/wire"
)

// encodeTarget is a placeholder destination: encoding goes through the
// HTTP binding, whose request builder wants a URL.
const encodeTarget = "http://jetstream.knsim.invalid/"

// encode stores ev as a NATS message in CloudEvents binary mode: the ce-*
// attributes and the content type as headers, the data as the payload,
// exactly what wire.NewRequest would send over HTTP. Unlike a structured
// JSON encoding, data that does not match its content type survives.
func encode(subject string, ev *cloudevents.Event) (*nats.Msg, error) {
	req, err := wire.NewRequest(context.Background(), encodeTarget, ev)
	if err != nil {
		return nil, err
	}
	var data []byte
	if req.Body != nil {
		data, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("encoding event: %w", err)
		}
	}
	m := nats.NewMsg(subject)
	for k, vs := range req.Header {
		m.Header[k] = vs
	}
	m.Data = data
	return m, nil
}

// decode reads back what encode stored.
func decode(h nats.Header, data []byte) (*cloudevents.Event, error) {
	req := &http.Request{
		Method:        http.MethodPost,
		Header:        http.Header(h),
		Body:          io.NopCloser(bytes.NewReader(data)),
		ContentLength: int64(len(data)),
	}
	ev, err := wire.ReadRequest(req, int64(len(data))+1)
	if err != nil {
		return nil, err
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	return ev, nil
}
