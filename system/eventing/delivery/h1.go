package delivery

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/eventing/wire"
)

// h1Transport sends binary-mode events over plain HTTP/1.1 keep-alive
// connections, running each exchange entirely in the caller's goroutine:
// the head is written straight from the event into the connection's
// buffer, and the response is read back on the same goroutine. Compared
// with net/http's Transport this saves, per request, the hand-offs to the
// connection's reader and writer goroutines, the request and header maps,
// and the read a reader goroutine makes to wait for the next response.
// It is safe for concurrent use.
type h1Transport struct {
	dial        func(ctx context.Context, network, addr string) (net.Conn, error)
	maxIdle     int           // idle connections kept per host
	idleTimeout time.Duration // idle connections older than this are closed

	mu        sync.Mutex
	nextSweep time.Time            // when put next closes stale idle connections
	idle      map[string][]*h1Conn // by host:port, most recently used last
	all       map[*h1Conn]struct{} // every open connection, for close
	closed    bool
}

// h1Conn is one connection of an h1Transport.
type h1Conn struct {
	nc        net.Conn
	addr      string
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
}

// errTransportClosed is returned once the dispatcher was closed.
var errTransportClosed = errors.New("dispatcher closed")

// newH1Transport returns a transport with NewTransport's limits.
func newH1Transport() *h1Transport {
	return &h1Transport{
		dial:        (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		maxIdle:     1000,
		idleTimeout: 90 * time.Second,
		idle:        map[string][]*h1Conn{},
		all:         map[*h1Conn]struct{}{},
	}
}

// hostPort is u's dial address: its host with port 80 when none is given.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// get returns an idle connection to addr (reused true) or dials one.
func (t *h1Transport) get(ctx context.Context, addr string, now time.Time) (*h1Conn, bool, error) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, false, errTransportClosed
	}
	for l := t.idle[addr]; len(l) > 0; l = t.idle[addr] {
		c := l[len(l)-1]
		l[len(l)-1] = nil
		t.idle[addr] = l[:len(l)-1]
		if now.Sub(c.idleSince) < t.idleTimeout {
			t.mu.Unlock()
			return c, true, nil
		}
		delete(t.all, c)
		_ = c.nc.Close()
	}
	t.mu.Unlock()
	return t.open(ctx, addr)
}

// open dials a new connection to addr.
func (t *h1Transport) open(ctx context.Context, addr string) (*h1Conn, bool, error) {
	nc, err := t.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	c := &h1Conn{nc: nc, addr: addr, br: bufio.NewReaderSize(nc, 4<<10), bw: bufio.NewWriterSize(nc, 4<<10)}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		_ = nc.Close()
		return nil, false, errTransportClosed
	}
	t.all[c] = struct{}{}
	t.mu.Unlock()
	return c, false, nil
}

// put returns c to the idle pool at time now. Every half idle timeout it
// also closes the connections that have been idle for longer than that, so
// that hosts no longer delivered to do not keep theirs.
func (t *h1Transport) put(c *h1Conn, now time.Time) {
	t.mu.Lock()
	if t.closed || len(t.idle[c.addr]) >= t.maxIdle {
		delete(t.all, c)
		t.mu.Unlock()
		_ = c.nc.Close()
		return
	}
	c.idleSince = now
	t.idle[c.addr] = append(t.idle[c.addr], c)
	var stale []*h1Conn
	if now.After(t.nextSweep) {
		stale = t.sweepLocked(now)
		t.nextSweep = now.Add(t.idleTimeout / 2)
	}
	t.mu.Unlock()
	for _, s := range stale {
		_ = s.nc.Close()
	}
}

// sweepLocked removes the connections idle since before now minus the idle
// timeout and returns them for closing.
func (t *h1Transport) sweepLocked(now time.Time) []*h1Conn {
	var stale []*h1Conn
	for addr, l := range t.idle {
		keep := l[:0]
		for _, c := range l {
			if now.Sub(c.idleSince) >= t.idleTimeout {
				stale = append(stale, c)
				delete(t.all, c)
			} else {
				keep = append(keep, c)
			}
		}
		clear(l[len(keep):])
		if len(keep) == 0 {
			delete(t.idle, addr)
		} else {
			t.idle[addr] = keep
		}
	}
	return stale
}

// discard closes c for good.
func (t *h1Transport) discard(c *h1Conn) {
	t.mu.Lock()
	delete(t.all, c)
	t.mu.Unlock()
	_ = c.nc.Close()
}

// close closes every connection, which aborts the exchanges in flight, and
// refuses new ones.
func (t *h1Transport) close() {
	t.mu.Lock()
	t.closed = true
	all := t.all
	t.all = map[*h1Conn]struct{}{}
	t.idle = map[string][]*h1Conn{}
	t.mu.Unlock()
	for c := range all {
		_ = c.nc.Close()
	}
}

// errAborted is the error of an attempt whose timeout expired.
var errAborted = errors.New("attempt timed out")

// longAgo is a deadline in the past, which makes blocked I/O return.
var longAgo = time.Unix(1, 0)

// exchange is one attempt over an h1Transport.
type exchange struct {
	x       *Dispatcher
	target  *h1Target
	ev      *cloudevents.Event
	extra   []string
	timeout time.Duration
}

// h1Target is a parsed http:// destination.
type h1Target struct {
	raw        string
	addr       string // host:port to dial
	host       string // Host header
	requestURI string
}

// h1Targets caches parsed destinations: a dispatcher sends to few
// distinct URIs.
var h1Targets sync.Map // string -> *h1Target

// h1TargetFor returns the parsed target, or nil when it is not a plain
// http:// URL the h1Transport can serve (https and anything unusual go
// through net/http).
func h1TargetFor(raw string) *h1Target {
	if v, ok := h1Targets.Load(raw); ok {
		return v.(*h1Target)
	}
	u, err := wire.Target(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil {
		return nil
	}
	t := &h1Target{raw: raw, addr: hostPort(u), host: u.Host, requestURI: u.RequestURI()}
	h1Targets.Store(raw, t)
	return t
}

// do sends the request and reads the answer. A connection from the pool
// that turns out to be closed by the server before answering anything is
// replaced by a new one once, as net/http does for idle connections the
// server closed.
func (e *exchange) do(now time.Time) Attempt {
	t := e.x.h1
	head := wire.GetHeadBuffer()
	defer wire.PutHeadBuffer(head)
	h, body, ok, err := wire.AppendBinaryRequest(*head, e.target.host, e.target.requestURI, e.ev, e.extra...)
	*head = h
	if err != nil {
		return Attempt{Err: fmt.Errorf("encoding event for %q: %w", e.target.raw, err)}
	}
	if !ok {
		return Attempt{Err: fmt.Errorf("encoding event for %q: unsupported spec version %q", e.target.raw, e.ev.SpecVersion())}
	}
	for try := 0; ; try++ {
		c, reused, err := t.get(e.x.ctx, e.target.addr, now)
		if err != nil {
			return Attempt{Err: err}
		}
		a, stale := e.roundTrip(c, h, body, reused && try == 0)
		if !stale {
			return a
		}
	}
}

// roundTrip writes head and body on c and reads the response. stale
// reports a reused connection that failed before any byte of a response
// arrived (the caller then retries on another connection); c is then
// already discarded.
func (e *exchange) roundTrip(c *h1Conn, head, body []byte, reused bool) (a Attempt, stale bool) {
	t := e.x.h1
	var timer interface{ Stop() bool }
	if e.timeout > 0 {
		timer = e.x.clock.AfterFunc(e.timeout, func() { _ = c.nc.SetDeadline(longAgo) })
	}
	// keep reports whether c may be reused after the exchange: not if the
	// timer may have poisoned its deadline.
	finish := func(keep bool) {
		if timer != nil && !timer.Stop() {
			keep = false
		}
		if keep {
			t.put(c, e.x.clock.Now())
		} else {
			t.discard(c)
		}
	}
	fail := func(err error) Attempt {
		switch {
		case e.x.ctx.Err() != nil:
			err = fmt.Errorf("%w: %w", errTransportClosed, err)
		case isTimeout(err):
			err = fmt.Errorf("%w: %w", errAborted, err)
		}
		return Attempt{Err: fmt.Errorf("Post %q: %w", e.target.raw, err)}
	}
	if _, err := c.bw.Write(head); err == nil {
		if _, err = c.bw.Write(body); err == nil {
			err = c.bw.Flush()
		}
		if err != nil {
			finish(false)
			if reused && e.x.ctx.Err() == nil && !isTimeout(err) {
				return Attempt{}, true
			}
			return fail(err), false
		}
	} else {
		finish(false)
		return fail(err), false
	}
	if _, err := c.br.Peek(1); err != nil {
		finish(false)
		if reused && e.x.ctx.Err() == nil && !isTimeout(err) {
			return Attempt{}, true
		}
		return fail(err), false
	}
	var resp http.Response
	if err := readH1Response(c.br, &resp); err != nil {
		finish(false)
		return fail(err), false
	}
	r := wire.ReadResponse(&resp, e.x.maxBytes)
	if b, ok := resp.Body.(*h1Body); ok {
		finish(b.eof && !resp.Close)
	} else {
		finish(!resp.Close)
	}
	return Attempt{
		Status:     r.Status,
		RetryAfter: r.RetryAfter,
		Body:       r.Body,
		Reply:      r.Reply,
		ReplyErr:   r.ReplyErr,
	}, false
}

// isTimeout reports whether err comes from an expired deadline.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
