package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/binding/format"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/knsim/knsim/system/eventing"
)

// DefaultMaxBodyBytes is the default limit on request and reply bodies:
// 4 MiB.
const DefaultMaxBodyBytes int64 = 4 << 20

// ErrNotCloudEvent reports a message that is neither a binary nor a
// structured CloudEvent.
var ErrNotCloudEvent = errors.New("not a CloudEvent: no ce-specversion header and no CloudEvents content type")

// bufPool recycles body buffers between requests.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads at most limit bytes of r into a fresh slice; exceeding the
// limit returns an error wrapping eventing.ErrBodyTooLarge. length is the
// announced length (-1 when unknown): a body that announces its length
// within the limit is read straight into a slice of that size.
func readBody(r io.Reader, length, limit int64) ([]byte, error) {
	if r == nil || r == http.NoBody {
		return nil, nil
	}
	if length >= 0 && length <= limit && length <= exactReadMax {
		return readExact(r, length, limit)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, bodyErr(err)
	}
	if n > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", eventing.ErrBodyTooLarge, limit)
	}
	if n == 0 {
		return nil, nil
	}
	return bytes.Clone(buf.Bytes()), nil
}

// exactReadMax bounds the bodies readBody reads by their announced length.
const exactReadMax = 64 << 10

// readExact reads a body that announced length bytes. A body that turns
// out longer is read on into a buffer up to limit, as readBody does.
func readExact(r io.Reader, length, limit int64) ([]byte, error) {
	// One spare byte probes for the end of the body.
	b := make([]byte, length, length+1)
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, bodyErr(err)
	}
	n, err := io.ReadFull(r, b[length:length+1])
	switch {
	case err == io.EOF:
		if length == 0 {
			return nil, nil
		}
		return b, nil
	case err != nil && n == 0:
		return nil, bodyErr(err)
	}
	// More than announced: read the rest within the limit.
	rest, err := readBody(r, -1, limit-length-1)
	if err != nil {
		if errors.Is(err, eventing.ErrBodyTooLarge) {
			return nil, fmt.Errorf("%w: more than %d bytes", eventing.ErrBodyTooLarge, limit)
		}
		return nil, err
	}
	return append(b[:length+1], rest...), nil
}

// bodyErr maps a MaxBytesReader's error to eventing.ErrBodyTooLarge.
func bodyErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("%w: more than %d bytes", eventing.ErrBodyTooLarge, mbe.Limit)
	}
	return err
}

// ReadRequest decodes the CloudEvent of an HTTP request in binary or
// structured mode (specversion 0.3 or 1.0), reading at most maxBytes of
// body (<= 0 means DefaultMaxBodyBytes). A too-large body fails with an
// error wrapping eventing.ErrBodyTooLarge; any other error means the
// request is not a CloudEvent. The event is not validated: the ingress
// cores do that (Validate).
func ReadRequest(r *http.Request, maxBytes int64) (*cloudevents.Event, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBodyBytes
	}
	if r.ContentLength > maxBytes {
		return nil, fmt.Errorf("%w: content-length %d exceeds %d bytes", eventing.ErrBodyTooLarge, r.ContentLength, maxBytes)
	}
	body, err := readBody(r.Body, r.ContentLength, maxBytes)
	if err != nil {
		return nil, err
	}
	return decode(r.Header, body)
}

// decode turns headers and a body into an event.
func decode(h http.Header, body []byte) (*cloudevents.Event, error) {
	if ev, ok, err := decodeBinaryV1(h, body); ok {
		return ev, err
	}
	return decodeSDK(h, body)
}

// decodeSDK is decode with the sdk-go binding only.
func decodeSDK(h http.Header, body []byte) (*cloudevents.Event, error) {
	msg := cehttp.NewMessage(h, io.NopCloser(bytes.NewReader(body)))
	if msg.ReadEncoding() == binding.EncodingUnknown {
		return nil, ErrNotCloudEvent
	}
	return binding.ToEvent(context.Background(), msg)
}

// mayBeEvent reports whether h announces a CloudEvent, in binary mode (a
// known Ce-Specversion) or structured mode (a CloudEvents content type), as
// the sdk-go binding decides; otherwise decode would fail with
// ErrNotCloudEvent.
func mayBeEvent(h http.Header) bool {
	if ct := h["Content-Type"]; len(ct) > 0 && format.Lookup(ct[0]) != nil {
		return true
	}
	if sv := h.Get("Ce-Specversion"); sv != "" {
		return true
	}
	return false
}

// urls caches parsed targets: a dispatcher sends to few distinct URIs.
var urls sync.Map // string -> *url.URL

// parseTarget parses target once and returns a private copy.
func parseTarget(target string) (*url.URL, error) {
	if u, ok := urls.Load(target); ok {
		c := *u.(*url.URL)
		return &c, nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	urls.Store(target, u)
	c := *u
	return &c, nil
}

// Target parses an http or https target once and returns the cached URL,
// shared by all callers: it must not be modified.
func Target(target string) (*url.URL, error) {
	if u, ok := urls.Load(target); ok {
		return u.(*url.URL), nil
	}
	if _, err := parseTarget(target); err != nil {
		return nil, err
	}
	u, _ := urls.Load(target)
	return u.(*url.URL), nil
}

// NewRequest builds a POST of ev to target in binary mode. ev is not
// modified.
func NewRequest(ctx context.Context, target string, ev *cloudevents.Event) (*http.Request, error) {
	u, err := parseTarget(target)
	if err != nil {
		return nil, fmt.Errorf("building request to %q: %w", target, err)
	}
	req := (&http.Request{
		Method:     http.MethodPost,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, 8),
		Host:       u.Host,
	}).WithContext(ctx)
	ok, err := writeBinary(req, ev)
	if !ok && err == nil {
		err = cehttp.WriteRequest(ctx, binding.ToMessage(ev), req)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding event for %q: %w", target, err)
	}
	return req, nil
}

// Response is what a destination answered.
type Response struct {
	// Status is the HTTP status.
	Status int
	// RetryAfter is the Retry-After header.
	RetryAfter string
	// Body is the raw body, kept when it did not decode as an event.
	Body []byte
	// Reply is the CloudEvent the response carried, if any.
	Reply *cloudevents.Event
	// ReplyErr is set when the headers announced a CloudEvent that did not
	// decode.
	ReplyErr error
}

// ReadResponse reads resp (at most maxBytes of body; <= 0 means
// DefaultMaxBodyBytes) and closes its body. A 2xx response with
// CloudEvents headers is decoded into Reply; otherwise the body is kept.
func ReadResponse(resp *http.Response, maxBytes int64) Response {
	defer resp.Body.Close()
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBodyBytes
	}
	out := Response{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	body, err := readBody(resp.Body, resp.ContentLength, maxBytes)
	if resp.ContentLength < 0 || err != nil {
		// Drain what is left so the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	}
	success := resp.StatusCode >= 200 && resp.StatusCode < 300
	if err != nil {
		if success {
			out.ReplyErr = fmt.Errorf("reading reply: %w", err)
		}
		out.Body = body
		return out
	}
	if !success {
		out.Body = body
		return out
	}
	if len(body) == 0 && !mayBeEvent(resp.Header) {
		return out
	}
	ev, err := decode(resp.Header, body)
	if err == nil {
		err = ev.Validate()
	}
	switch {
	case err == nil:
		out.Reply = ev
	case errors.Is(err, ErrNotCloudEvent):
		out.Body = body
	default:
		out.ReplyErr = err
		out.Body = body
	}
	return out
}

// WriteEvent answers w with ev in binary mode and the given status.
func WriteEvent(w http.ResponseWriter, ev *cloudevents.Event, status int) error {
	return cehttp.WriteResponseWriter(context.Background(), binding.ToMessage(ev), status, w)
}
