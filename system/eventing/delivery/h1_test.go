package delivery

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

// rawServer answers each request on a connection with the next of its
// scripted answers (raw HTTP/1.1 bytes); after an answer marked close it
// closes the connection without saying so.
type rawServer struct {
	ln      net.Listener
	mu      sync.Mutex
	answers []rawAnswer
	conns   atomic.Int64
	heads   chan *http.Request
}

// rawAnswer is one scripted answer.
type rawAnswer struct {
	raw   string
	close bool // close the connection after answering
}

func newRawServer(t *testing.T, answers ...rawAnswer) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, answers: answers, heads: make(chan *http.Request, 64)}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go s.serve(c)
		}
	}()
	return s
}

func (s *rawServer) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body := make([]byte, req.ContentLength)
		if _, err := io.ReadFull(br, body); err != nil {
			return
		}
		s.heads <- req
		s.mu.Lock()
		if len(s.answers) == 0 {
			s.mu.Unlock()
			return
		}
		a := s.answers[0]
		s.answers = s.answers[1:]
		s.mu.Unlock()
		if _, err := c.Write([]byte(a.raw)); err != nil || a.close {
			return
		}
	}
}

func (s *rawServer) url() string { return "http://" + s.ln.Addr().String() + "/sub" }

// ok202 is a plain keep-alive acceptance.
const ok202 = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"

// runOnce delivers one event with no retry and returns the final decision.
func runOnce(t *testing.T, x *Dispatcher, target, id string) Decision {
	t.Helper()
	var final Decision
	x.Run(New(newEvent(id), target, NoRetry(), Options{}), func(_ *Delivery, dec Decision) { final = dec })
	return final
}

func TestH1Exchanges(t *testing.T) {
	reply := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nCe-Specversion: 1.0\r\nCe-Id: r-1\r\nCe-Source: /r\r\nCe-Type: reply\r\nContent-Type: text/plain\r\n\r\n" +
		"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
	tests := []struct {
		name      string
		answers   []rawAnswer
		events    int
		wantConns int64
		check     func(t *testing.T, decs []Decision)
	}{
		{
			name:    "keep-alive reuses one connection",
			answers: []rawAnswer{{raw: ok202}, {raw: ok202}, {raw: ok202}},
			events:  3, wantConns: 1,
		},
		{
			name:    "connection close is honoured",
			answers: []rawAnswer{{raw: "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", close: true}, {raw: ok202}},
			events:  2, wantConns: 2,
		},
		{
			name:    "a silently closed idle connection is replaced",
			answers: []rawAnswer{{raw: ok202, close: true}, {raw: ok202}},
			events:  2, wantConns: 2,
		},
		{
			name:    "interim and chunked reply",
			answers: []rawAnswer{{raw: reply}, {raw: ok202}},
			events:  2, wantConns: 1,
			check: func(t *testing.T, decs []Decision) {
				r := decs[0].Reply
				if decs[0].Action != Done || r == nil || r.ID() != "r-1" || string(r.Data()) != "abcde" {
					t.Errorf("first = %+v (reply %v), want Done with reply r-1 \"abcde\"", decs[0], r)
				}
			},
		},
		{
			name:    "body without length is read to close",
			answers: []rawAnswer{{raw: "HTTP/1.1 500 Oops\r\n\r\nbroken", close: true}, {raw: ok202}},
			events:  2, wantConns: 2,
			check: func(t *testing.T, decs []Decision) {
				if decs[0].Action != Drop || decs[0].Status != 500 {
					t.Errorf("first = %+v, want Drop 500", decs[0])
				}
			},
		},
		{
			name:    "garbage answer is a transport error",
			answers: []rawAnswer{{raw: "SMTP ready\r\n\r\n", close: true}, {raw: ok202}},
			events:  2, wantConns: 2,
			check: func(t *testing.T, decs []Decision) {
				if decs[0].Action != Drop || decs[0].Status != 500 {
					t.Errorf("first = %+v, want Drop 500 (transport error)", decs[0])
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newRawServer(t, tc.answers...)
			x := NewDispatcher(clocktesting.NewFakeClock(t0), DispatcherOptions{})
			defer x.Close()
			var decs []Decision
			for i := range tc.events {
				decs = append(decs, runOnce(t, x, s.url(), "e"+string(rune('0'+i))))
			}
			for i, d := range decs {
				if tc.check == nil && (d.Action != Done || d.Status != 202) {
					t.Errorf("delivery %d = %+v, want Done 202", i, d)
				}
			}
			if tc.check != nil {
				tc.check(t, decs)
			}
			if n := s.conns.Load(); n != tc.wantConns {
				t.Errorf("connections = %d, want %d", n, tc.wantConns)
			}
			req := <-s.heads
			if req.Header.Get("Ce-Id") != "e0" || req.Header.Get("Prefer") != "reply" || req.URL.Path != "/sub" || req.Host != s.ln.Addr().String() {
				t.Errorf("first request = %s %s host %s headers %v", req.Method, req.URL, req.Host, req.Header)
			}
		})
	}
}

// A response body over the limit is not read to its end, so the connection
// is not reused.
func TestH1OversizedReplyDropsConnection(t *testing.T) {
	big := strings.Repeat("x", 100)
	s := newRawServer(t, rawAnswer{raw: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + big}, rawAnswer{raw: ok202})
	x := NewDispatcher(clocktesting.NewFakeClock(t0), DispatcherOptions{MaxResponseBytes: 10})
	defer x.Close()
	// The drain after the limit reads the rest here (it is small), so the
	// connection stays usable; either way the second delivery succeeds.
	if d := runOnce(t, x, s.url(), "e0"); d.Action != Drop || d.Status != http.StatusBadGateway {
		t.Errorf("first = %+v, want Drop 502", d)
	}
	if d := runOnce(t, x, s.url(), "e1"); d.Action != Done {
		t.Errorf("second = %+v, want Done", d)
	}
}

// Close aborts an exchange that waits for its answer.
func TestH1CloseAborts(t *testing.T) {
	arrived := make(chan struct{})
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer sub.Close()
	x := NewDispatcher(clocktesting.NewFakeClock(t0), DispatcherOptions{})
	done := make(chan Decision, 1)
	go func() { done <- runOnce(t, x, sub.URL, "e0") }()
	<-arrived
	x.Close()
	select {
	case d := <-done:
		if d.Action != Drop || d.Status != http.StatusInternalServerError {
			t.Errorf("decision = %+v, want Drop 500", d)
		}
	case <-time.After(10 * time.Second): // a hang guard
		t.Fatal("Close did not abort the exchange")
	}
	if d := runOnce(t, x, sub.URL, "e1"); d.Action != Drop {
		t.Errorf("after Close = %+v, want Drop", d)
	}
}

// DialContext routes the pool's connections, keeping the target's Host.
func TestH1DialContext(t *testing.T) {
	s := newRawServer(t, rawAnswer{raw: ok202})
	var dialed []string
	x := NewDispatcher(clocktesting.NewFakeClock(t0), DispatcherOptions{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dialed = append(dialed, addr)
			return (&net.Dialer{}).DialContext(ctx, network, s.ln.Addr().String())
		},
	})
	defer x.Close()
	if d := runOnce(t, x, "http://sub.example.com/x", "e0"); d.Action != Done {
		t.Fatalf("decision = %+v", d)
	}
	if want := []string{"sub.example.com:80"}; !slices.Equal(dialed, want) {
		t.Errorf("dialed %v, want %v", dialed, want)
	}
	if req := <-s.heads; req.Host != "sub.example.com" || req.URL.Path != "/x" {
		t.Errorf("request host %q path %q", req.Host, req.URL.Path)
	}
}

// Idle connections older than the idle timeout are closed: when taken, and
// for hosts no longer delivered to, when another connection comes back.
func TestH1IdleTimeout(t *testing.T) {
	a := newRawServer(t, rawAnswer{raw: ok202}, rawAnswer{raw: ok202})
	b := newRawServer(t, rawAnswer{raw: ok202}, rawAnswer{raw: ok202}, rawAnswer{raw: ok202})
	clk := clocktesting.NewFakeClock(t0)
	x := NewDispatcher(clk, DispatcherOptions{})
	defer x.Close()
	for _, s := range []*rawServer{a, b} {
		if d := runOnce(t, x, s.url(), "e"); d.Action != Done {
			t.Fatalf("decision = %+v", d)
		}
	}
	idle := func() int {
		x.h1.mu.Lock()
		defer x.h1.mu.Unlock()
		n := 0
		for _, l := range x.h1.idle {
			n += len(l)
		}
		return n
	}
	if n := idle(); n != 2 {
		t.Fatalf("idle = %d, want 2", n)
	}
	clk.Step(x.h1.idleTimeout + time.Second)
	// b's connection is too old to be taken: a new one is dialed, and when
	// it comes back a's stale connection is closed too.
	if d := runOnce(t, x, b.url(), "e"); d.Action != Done {
		t.Fatalf("decision = %+v", d)
	}
	if n := b.conns.Load(); n != 2 {
		t.Errorf("b connections = %d, want 2", n)
	}
	if n := idle(); n != 1 {
		t.Errorf("idle = %d, want 1 (b's new connection)", n)
	}
}
