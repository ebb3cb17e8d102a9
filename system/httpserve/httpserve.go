// Package httpserve builds the net/http servers of knsim's real listeners
// (the broker and channel ingresses, the Serving gateway, the activator and
// every pod's queue-proxy) with the same timeouts and limits, so that a slow
// or stalled client cannot hold a connection, a goroutine and its buffers
// for longer than they allow.
//
// The limits, with their defaults:
//
//   - ReadHeaderTimeout (10 s): the request line and headers must arrive
//     within it after the connection is ready for a request.
//   - BodyReadTimeout (10 s): the whole request body must arrive within it
//     after the handler starts. A request whose body is late fails with a
//     *BodyTimeoutError; handlers answer 408 Request Timeout and the
//     connection is closed. Unlike net/http's ReadTimeout it does not
//     cover the time the handler spends after the body was read, so a slow
//     upstream answer (up to a revision's timeout) is never cut.
//   - IdleTimeout (2 min): a keep-alive connection with no request is
//     closed after it. It is longer than the 90 s idle timeout of knsim's
//     own clients, so a client never sends on a connection the server is
//     closing.
//   - WriteTimeout (0: none unless set): bounds writing the response,
//     from the end of the request headers. Listeners that proxy to
//     revisions leave it long (MaxRevisionWrite) so that long requests
//     complete.
//   - MaxHeaderBytes (64 KiB): larger request headers get 431.
package httpserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// Defaults of Limits.
const (
	// DefaultReadHeaderTimeout bounds reading a request's headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultBodyReadTimeout bounds reading a request's body.
	DefaultBodyReadTimeout = 10 * time.Second
	// DefaultIdleTimeout closes keep-alive connections idle for longer.
	DefaultIdleTimeout = 2 * time.Minute
	// DefaultMaxHeaderBytes bounds a request's headers (431 above it).
	DefaultMaxHeaderBytes = 64 << 10
	// MaxRevisionWrite is the write timeout of listeners that carry
	// requests to revisions: Knative's largest revision timeout
	// (max-revision-timeout-seconds, 600 s) with room to spare.
	MaxRevisionWrite = 15 * time.Minute
)

// Limits are a server's timeouts and header limit. Zero fields take the
// defaults above (WriteTimeout: none); negative ones are refused.
type Limits struct {
	// ReadHeaderTimeout bounds reading the request line and headers.
	ReadHeaderTimeout time.Duration
	// BodyReadTimeout bounds reading the request body, from the start of
	// the handler to the body's end.
	BodyReadTimeout time.Duration
	// IdleTimeout closes a keep-alive connection waiting for its next
	// request.
	IdleTimeout time.Duration
	// WriteTimeout bounds writing the response (0: no bound).
	WriteTimeout time.Duration
	// MaxHeaderBytes bounds the request headers.
	MaxHeaderBytes int
}

// withDefaults validates l and fills in its zero fields.
func (l Limits) withDefaults() (Limits, error) {
	if l.ReadHeaderTimeout < 0 || l.BodyReadTimeout < 0 || l.IdleTimeout < 0 || l.WriteTimeout < 0 || l.MaxHeaderBytes < 0 {
		return l, fmt.Errorf("httpserve: negative limit in %+v", l)
	}
	if l.ReadHeaderTimeout == 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if l.BodyReadTimeout == 0 {
		l.BodyReadTimeout = DefaultBodyReadTimeout
	}
	if l.IdleTimeout == 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return l, nil
}

// New returns a server for h with l's timeouts (the body timeout wraps h,
// see BodyDeadline). It does not log client disconnects.
func New(h http.Handler, l Limits) (*http.Server, error) {
	l, err := l.withDefaults()
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("httpserve: nil handler")
	}
	return &http.Server{
		Handler:           BodyDeadline(h, l.BodyReadTimeout),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		WriteTimeout:      l.WriteTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          log.New(io.Discard, "", 0),
	}, nil
}

// ErrBodyTimeout is wrapped by every *BodyTimeoutError.
var ErrBodyTimeout = errors.New("request body not received in time")

// BodyTimeoutError is what reading a request body returns once its
// BodyReadTimeout has passed.
type BodyTimeoutError struct {
	// Timeout is the body read timeout that passed.
	Timeout time.Duration
}

// Error implements error.
func (e *BodyTimeoutError) Error() string {
	return fmt.Sprintf("request body not received within %s", e.Timeout)
}

// Unwrap makes errors.Is(err, ErrBodyTimeout) and
// errors.Is(err, os.ErrDeadlineExceeded) hold.
func (e *BodyTimeoutError) Unwrap() []error { return []error{ErrBodyTimeout, os.ErrDeadlineExceeded} }

// IsBodyTimeout reports whether err comes from a body that missed its
// BodyReadTimeout.
func IsBodyTimeout(err error) bool { return errors.Is(err, ErrBodyTimeout) }

// BodyDeadline wraps h so that the body of each request must arrive within
// d of the handler's start; after that, reading it fails with a
// *BodyTimeoutError. Once the body has been read to its end the deadline
// is lifted, so the connection is not cut while the handler waits for an
// upstream. Requests without a body are not touched: net/http watches
// their connection for the client going away, and a deadline would cancel
// their context.
func BodyDeadline(h http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(d)); err != nil {
			h.ServeHTTP(w, r) // not a real connection (tests' recorders)
			return
		}
		tb := &timedBody{ReadCloser: r.Body, rc: rc, timeout: d}
		r = r.WithContext(context.WithValue(r.Context(), timedBodyKey{}, tb))
		r.Body = tb
		h.ServeHTTP(w, r)
	})
}

// timedBodyKey keys a request's *timedBody in its context.
type timedBodyKey struct{}

// BodyTimedOut reports whether r's body missed its BodyReadTimeout. A
// proxy uses it to tell a late body from the client going away: net/http
// cancels the request's context at the missed deadline, so the proxy may
// see context.Canceled rather than the body's error.
func BodyTimedOut(r *http.Request) bool {
	tb, ok := r.Context().Value(timedBodyKey{}).(*timedBody)
	return ok && tb.timedOut.Load()
}

// timedBody turns a missed read deadline into a *BodyTimeoutError and
// lifts the deadline at the end of the body. Only one goroutine reads a
// request body at a time.
type timedBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	timeout  time.Duration
	done     bool
	timedOut atomic.Bool
}

// Read implements io.Reader.
func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF && !b.done:
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	case err != nil && isTimeout(err):
		b.timedOut.Store(true)
		err = &BodyTimeoutError{Timeout: b.timeout}
	}
	return n, err
}

// isTimeout reports whether err is a missed deadline.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// ProxyErrorHandler returns an httputil.ReverseProxy ErrorHandler that
// answers a failed hop without the error's text, which names loopback
// addresses: 408 for a body that missed its timeout, 413 for one over a
// http.MaxBytesReader limit, and otherwise 502 with "<what> did not
// answer: <cause>", where what names the upstream for r (a revision) and
// cause is one of a few fixed words.
func ProxyErrorHandler(what func(r *http.Request) string) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		var mbe *http.MaxBytesError
		switch {
		case IsBodyTimeout(err), BodyTimedOut(r):
			w.Header().Set("Connection", "close")
			msg := "request body not received in time"
			if tb, ok := r.Context().Value(timedBodyKey{}).(*timedBody); ok {
				msg = (&BodyTimeoutError{Timeout: tb.timeout}).Error()
			}
			http.Error(w, msg, http.StatusRequestTimeout)
		case errors.As(err, &mbe):
			w.Header().Set("Connection", "close")
			http.Error(w, fmt.Sprintf("request body is larger than %d bytes", mbe.Limit), http.StatusRequestEntityTooLarge)
		default:
			http.Error(w, what(r)+" did not answer: "+cause(err), http.StatusBadGateway)
		}
	}
}

// cause names what went wrong on a hop in words that carry no address.
func cause(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE):
		return "connection closed before the answer"
	case errors.Is(err, context.Canceled):
		return "request canceled"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timed out"
	}
	return "upstream error"
}
