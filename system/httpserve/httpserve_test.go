package httpserve

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// serve starts a server for h with l on 127.0.0.1:0 and returns its address.
func serve(t *testing.T, h http.Handler, l Limits) string {
	t.Helper()
	srv, err := New(h, l)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// readAll answers 200 with the body's length, 408 when it came too late.
var readAll = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if IsBodyTimeout(err) {
		w.Header().Set("Connection", "close")
		http.Error(w, err.Error(), http.StatusRequestTimeout)
		return
	}
	_, _ = io.WriteString(w, strings.Repeat("x", len(b)))
})

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	// Nothing in these tests may take long: a hung server fails the read.
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	return c
}

func TestNewValidates(t *testing.T) {
	if _, err := New(readAll, Limits{IdleTimeout: -1}); err == nil {
		t.Error("negative IdleTimeout accepted")
	}
	if _, err := New(nil, Limits{}); err == nil {
		t.Error("nil handler accepted")
	}
	srv, err := New(readAll, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.IdleTimeout != DefaultIdleTimeout || srv.MaxHeaderBytes != DefaultMaxHeaderBytes || srv.WriteTimeout != 0 {
		t.Errorf("defaults not applied: %+v", srv)
	}
}

// A body announced at 100 bytes of which 10 arrive is cut at the body
// timeout with 408, and the connection is closed.
func TestTruncatedBodyIsCut(t *testing.T) {
	g := NewWithT(t)
	addr := serve(t, readAll, Limits{BodyReadTimeout: 200 * time.Millisecond})
	c := dial(t, addr)
	start := time.Now()
	_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	g.Expect(err).NotTo(HaveOccurred())
	body, _ := io.ReadAll(resp.Body)
	g.Expect(resp.StatusCode).To(Equal(http.StatusRequestTimeout))
	g.Expect(string(body)).To(ContainSubstring("request body not received within 200ms"))
	g.Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
	// The server closes the connection.
	_, err = c.Read(make([]byte, 1))
	g.Expect(err).To(MatchError(io.EOF))
}

// A client trickling its body is cut at the body timeout even though bytes
// keep coming.
func TestTrickledBodyIsCut(t *testing.T) {
	g := NewWithT(t)
	addr := serve(t, readAll, Limits{BodyReadTimeout: 300 * time.Millisecond})
	c := dial(t, addr)
	_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
	g.Expect(err).NotTo(HaveOccurred())
	got := make(chan *http.Response, 1)
	go func() {
		resp, _ := http.ReadResponse(bufio.NewReader(c), nil)
		got <- resp
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for sent := 0; ; sent++ {
		select {
		case resp := <-got:
			g.Expect(resp).NotTo(BeNil())
			g.Expect(resp.StatusCode).To(Equal(http.StatusRequestTimeout))
			g.Expect(sent).To(BeNumerically("<", 100), "the body was read to its end")
			return
		case <-tick.C:
			if _, err := c.Write([]byte("a")); err != nil {
				continue // closed by the server; the answer is on its way
			}
		}
	}
}

// Stalled connections do not stay open: all of them are answered and
// closed by the body timeout.
func TestStalledConnectionsAreClosed(t *testing.T) {
	g := NewWithT(t)
	addr := serve(t, readAll, Limits{BodyReadTimeout: 200 * time.Millisecond})
	const n = 100
	var closed atomic.Int32
	for range n {
		c := dial(t, addr)
		_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
		g.Expect(err).NotTo(HaveOccurred())
		go func() {
			_, _ = io.Copy(io.Discard, c) // ends at the server's close
			closed.Add(1)
		}()
	}
	g.Eventually(closed.Load).WithTimeout(3 * time.Second).Should(BeEquivalentTo(n))
}

// A header that never ends is cut by ReadHeaderTimeout, an idle keep-alive
// connection by IdleTimeout.
func TestHeaderAndIdleTimeouts(t *testing.T) {
	g := NewWithT(t)
	addr := serve(t, readAll, Limits{ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})
	c := dial(t, addr)
	_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n")
	g.Expect(err).NotTo(HaveOccurred())
	_, err = io.Copy(io.Discard, c)
	g.Expect(err).NotTo(HaveOccurred(), "the server closes the connection (EOF), not the test's deadline")

	c = dial(t, addr)
	_, err = io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
	g.Expect(err).NotTo(HaveOccurred())
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	_, _ = io.Copy(io.Discard, resp.Body)
	_, err = br.ReadByte() // idle: closed by the server
	g.Expect(err).To(MatchError(io.EOF))
}

// A handler that waits on its upstream long after the body arrived is not
// cut: its context stays alive past the body timeout.
func TestSlowUpstreamIsNotCut(t *testing.T) {
	g := NewWithT(t)
	const timeout = 100 * time.Millisecond
	var canceled atomic.Bool
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case <-release:
			_, _ = io.WriteString(w, "late answer")
		case <-r.Context().Done():
			canceled.Store(true)
		}
	})
	addr := serve(t, h, Limits{BodyReadTimeout: timeout, ReadHeaderTimeout: timeout})
	done := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("payload"))
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	g.Consistently(canceled.Load).WithTimeout(5 * timeout).Should(BeFalse())
	close(release)
	var resp *http.Response
	g.Eventually(done).WithTimeout(3 * time.Second).Should(Receive(&resp))
	g.Expect(resp).NotTo(BeNil())
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	_ = resp.Body.Close()
}

func TestBodyTimeoutError(t *testing.T) {
	err := error(&BodyTimeoutError{Timeout: time.Second})
	if !IsBodyTimeout(err) || !errors.Is(err, ErrBodyTimeout) {
		t.Errorf("%v is not a body timeout", err)
	}
	if IsBodyTimeout(io.ErrUnexpectedEOF) {
		t.Error("unexpected EOF taken for a timeout")
	}
}
