package broker

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/system/eventing/delivery"
)

// postEvent sends one binary event with body to the broker and returns the
// status, the Retry-After header and the answer's body.
func postEvent(t *testing.T, base, id string, body []byte) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/default/default", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Ce-Specversion", "1.0")
	req.Header.Set("Ce-Id", id)
	req.Header.Set("Ce-Type", "dev.knsim.load")
	req.Header.Set("Ce-Source", "/load")
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// Deliverable 3: with a subscriber that does not answer, the ingress takes
// events up to MaxPendingEvents and answers 503 beyond, without reading
// (and so without buffering) the refused bodies; once the subscriber
// answers, the backlog drains and the ingress takes events again.
func TestIngressBoundsPendingEvents(t *testing.T) {
	g := NewWithT(t)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	sub := newSubscriber(t, func(w http.ResponseWriter, _ int) {
		<-release
		w.WriteHeader(http.StatusAccepted)
	})
	const bound = 20
	e := newEnv(t, HandlerOptions{Bounds: Bounds{MaxPendingEvents: bound}})
	key := Key{"default", "default"}
	e.ingress.Registry().SetBroker(key, delivery.NoRetry())
	e.ingress.Registry().SetTriggers(key, []Trigger{{Name: "slow", SubscriberURI: sub.srv.URL}})

	body := bytes.Repeat([]byte("x"), 64<<10)
	for i := range bound {
		status, _, _ := postEvent(t, e.server.URL, fmt.Sprint("a", i), body)
		g.Expect(status).To(Equal(http.StatusAccepted))
	}
	events, size := e.handler.Pending()
	g.Expect(events).To(BeEquivalentTo(bound))
	g.Expect(size).To(BeNumerically(">=", bound*len(body)))

	// 200 more events of 1 MiB: were they buffered, the heap would grow
	// by 200 MiB.
	before := heapInUse()
	big := bytes.Repeat([]byte("y"), 1<<20)
	for i := range 200 {
		status, retry, msg := postEvent(t, e.server.URL, fmt.Sprint("b", i), big)
		g.Expect(status).To(Equal(http.StatusServiceUnavailable))
		g.Expect(retry).To(Equal("1"))
		g.Expect(msg).To(ContainSubstring("20 events waiting for delivery (limit 20)"))
	}
	g.Expect(int64(heapInUse()) - int64(before)).To(BeNumerically("<", 32<<20))
	g.Expect(e.ingress.Counters().Snapshot().Rejected[ReasonOverload]).To(BeEquivalentTo(200))

	once.Do(func() { close(release) })
	g.Eventually(func() int64 { n, _ := e.handler.Pending(); return n }).WithTimeout(5 * time.Second).Should(BeZero())
	_, size = e.handler.Pending()
	g.Expect(size).To(BeZero())
	status, _, _ := postEvent(t, e.server.URL, "after", body)
	g.Expect(status).To(Equal(http.StatusAccepted), "the ingress takes events again")
}

// MaxPendingBytes refuses events once the pending ones hold that much.
func TestIngressBoundsPendingBytes(t *testing.T) {
	g := NewWithT(t)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	sub := newSubscriber(t, func(w http.ResponseWriter, _ int) {
		<-release
		w.WriteHeader(http.StatusAccepted)
	})
	e := newEnv(t, HandlerOptions{Bounds: Bounds{MaxPendingBytes: 1 << 20}})
	key := Key{"default", "default"}
	e.ingress.Registry().SetTriggers(key, []Trigger{{Name: "slow", SubscriberURI: sub.srv.URL}})
	body := bytes.Repeat([]byte("x"), 300<<10)
	var statuses []int
	for i := range 6 {
		status, _, _ := postEvent(t, e.server.URL, fmt.Sprint("a", i), body)
		statuses = append(statuses, status)
	}
	g.Expect(statuses).To(Equal([]int{202, 202, 202, 202, 503, 503}))
	once.Do(func() { close(release) })
	g.Eventually(func() int64 { _, b := e.handler.Pending(); return b }).WithTimeout(5 * time.Second).Should(BeZero())
	status, _, _ := postEvent(t, e.server.URL, "after", body)
	g.Expect(status).To(Equal(http.StatusAccepted))
}

// MaxReadingBytes answers 429 to a body that would pass the bytes being
// read at once; once those are read, bodies are taken again.
func TestIngressBoundsBodiesBeingRead(t *testing.T) {
	g := NewWithT(t)
	e := newEnv(t, HandlerOptions{Bounds: Bounds{MaxReadingBytes: 1000}})
	c, err := net.Dial("tcp", strings.TrimPrefix(e.server.URL, "http://"))
	g.Expect(err).NotTo(HaveOccurred())
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	head := "POST /default/default HTTP/1.1\r\nHost: x\r\nCe-Specversion: 1.0\r\nCe-Id: slow\r\nCe-Type: t\r\nCe-Source: /s\r\nContent-Length: 800\r\n\r\n"
	_, err = io.WriteString(c, head+strings.Repeat("a", 400))
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(e.handler.reading.Load).Should(BeEquivalentTo(800))

	status, retry, msg := postEvent(t, e.server.URL, "second", bytes.Repeat([]byte("b"), 800))
	g.Expect(status).To(Equal(http.StatusTooManyRequests))
	g.Expect(retry).To(Equal("1"))
	g.Expect(msg).To(ContainSubstring("reading 800 bytes of request bodies already (limit 1000)"))

	_, err = io.WriteString(c, strings.Repeat("a", 400))
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusAccepted))
	g.Expect(e.handler.reading.Load()).To(BeZero())
	status, _, _ = postEvent(t, e.server.URL, "third", bytes.Repeat([]byte("b"), 800))
	g.Expect(status).To(Equal(http.StatusAccepted))
}

func TestNewBoundedHandlerValidates(t *testing.T) {
	e := newEnv(t, HandlerOptions{})
	x := delivery.NewDispatcher(e.clock, delivery.DispatcherOptions{})
	defer x.Close()
	if _, err := NewBoundedHandler(e.ingress, x, e.clock, HandlerOptions{Bounds: Bounds{MaxReadingBytes: -1}}); err == nil {
		t.Error("negative bound accepted")
	}
	if _, err := NewBoundedHandler(nil, x, e.clock, HandlerOptions{}); err == nil {
		t.Error("nil ingress accepted")
	}
}
