package eventingshell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/network"
	"github.com/knsim/knsim/system/stack"
)

// startBrokerShell runs the shell with one ready Broker default/default
// and the given body timeout.
func startBrokerShell(t *testing.T, bodyTimeout time.Duration) *Shell {
	t.Helper()
	b := &eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "default"},
		Status: eventingv1.BrokerStatus{Address: duck.Addressable{URL: "http://" + network.BrokerIngressHost + "/default/default"}}}
	c := fake.NewClientBuilder().WithScheme(stack.Scheme()).WithObjects(b).Build()
	p, err := Start(context.Background(), Config{Client: c, Listen: httpserve.Limits{BodyReadTimeout: bodyTimeout}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// eventHead is a binary-mode event's request head announcing length
// bytes of body.
func eventHead(length int) string {
	return fmt.Sprintf("POST /default/default HTTP/1.1\r\nHost: x\r\nCe-Specversion: 1.0\r\nCe-Id: 1\r\nCe-Type: t\r\nCe-Source: /s\r\n"+
		"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n", length)
}

func dialShell(t *testing.T, base string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(5 * time.Second)) // a hang fails the test
	return c
}

// Finding 7: a body announced at 100 bytes of which 10 came used to hold
// the connection for as long as the client liked; it now gets 408 at the
// body timeout and the connection is closed.
func TestBrokerIngressCutsTruncatedBody(t *testing.T) {
	g := NewWithT(t)
	p := startBrokerShell(t, 200*time.Millisecond)
	c := dialShell(t, p.BrokerURL())
	_, err := io.WriteString(c, eventHead(100)+"0123456789")
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	g.Expect(err).NotTo(HaveOccurred(), "no answer before the connection's 5 s deadline")
	body, _ := io.ReadAll(resp.Body)
	g.Expect(resp.StatusCode).To(Equal(http.StatusRequestTimeout))
	g.Expect(string(body)).To(ContainSubstring("request body not received in time"))
	g.Expect(string(body)).NotTo(ContainSubstring("127.0.0.1"))
	_, err = c.Read(make([]byte, 1))
	g.Expect(err).To(MatchError(io.EOF))
	g.Expect(p.BrokerCounters().Rejected).To(HaveKeyWithValue(BeEquivalentTo("timeout"), BeEquivalentTo(1)))
}

// Finding 7: a client trickling its body byte by byte used to get 202 once
// it was done; it is now cut at the body timeout.
func TestBrokerIngressCutsTrickledBody(t *testing.T) {
	g := NewWithT(t)
	p := startBrokerShell(t, 300*time.Millisecond)
	c := dialShell(t, p.BrokerURL())
	_, err := io.WriteString(c, eventHead(200))
	g.Expect(err).NotTo(HaveOccurred())
	got := make(chan int, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			got <- 0
			return
		}
		got <- resp.StatusCode
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for sent := 0; sent < 200; {
		select {
		case status := <-got:
			g.Expect(status).To(Equal(http.StatusRequestTimeout))
			return
		case <-tick.C:
			if _, err := c.Write([]byte("a")); err == nil {
				sent++
			}
		}
	}
	t.Fatal("the whole trickled body was read")
}

// Finding 7: stalled connections used to stay open; all are closed at the
// body timeout, on both ingresses.
func TestIngressesCloseStalledConnections(t *testing.T) {
	g := NewWithT(t)
	p := startBrokerShell(t, 200*time.Millisecond)
	const n = 100
	var closed atomic.Int32
	for i := range n {
		base, head := p.BrokerURL(), eventHead(100)
		if i%2 == 1 {
			base = p.ChannelURL()
			head = strings.Replace(head, "Host: x", "Host: "+network.ChannelHost("c", "default"), 1)
		}
		c := dialShell(t, base)
		_, err := io.WriteString(c, head+"abc")
		g.Expect(err).NotTo(HaveOccurred())
		go func() {
			_, _ = io.Copy(io.Discard, c)
			closed.Add(1)
		}()
	}
	g.Eventually(closed.Load).WithTimeout(3 * time.Second).Should(BeEquivalentTo(n))
}

func TestStartRefusesNegativeLimits(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(stack.Scheme()).Build()
	if _, err := Start(context.Background(), Config{Client: c, Listen: httpserve.Limits{IdleTimeout: -time.Second}}); err == nil {
		t.Error("negative IdleTimeout accepted")
	}
	if _, err := Start(context.Background(), Config{Client: c, Broker: brokerBounds(-1)}); err == nil {
		t.Error("negative broker bound accepted")
	}
}

func brokerBounds(n int64) broker.Bounds { return broker.Bounds{MaxPendingEvents: n} }
