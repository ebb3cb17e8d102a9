package servingshell

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/container"
)

// A user container greets plain requests and takes CloudEvents as an event
// sink does: 202, no body.
func TestContainerAnswers(t *testing.T) {
	c, err := NewContainer(clock.RealClock{}, container.Workload{}, "", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Status int
		Body   string
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   answer
	}{
		{"plain", nil, answer{200, "Hello World!\n"}},
		{"binary CloudEvent", map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Type": "t", "Ce-Source": "/s"}, answer{202, ""}},
		{"structured CloudEvent", map[string]string{"Content-Type": "application/cloudevents+json"}, answer{202, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, req)
			if diff := cmp.Diff(tc.want, answer{rec.Code, rec.Body.String()}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A request waiting for a slot whose context ends leaves the queue: 504 on
// a deadline, no answer when the client went away; the next request takes
// the slot when the working one finishes.
func TestContainerWaiterLeaves(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c, err := NewContainer(clk, container.Workload{ServiceTime: func(*rand.Rand) time.Duration { return time.Second }, MaxInFlight: 1},
		"", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	serve := func(ctx context.Context) <-chan int {
		ch := make(chan int, 1)
		go func() {
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil))
			ch <- rec.Code
		}()
		return ch
	}
	waiting := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.core.Waiting()
	}
	g := NewWithT(t)
	first := serve(context.Background())
	g.Eventually(clk.Waiters).Should(Equal(1)) // the first works

	gone, cancel := context.WithCancel(context.Background())
	left := serve(gone)
	g.Eventually(waiting).Should(Equal(1))
	cancel()
	g.Eventually(left).Should(Receive(Equal(http.StatusOK)), "a client that went away gets no answer (the recorder's default)")
	g.Expect(waiting()).To(BeZero())

	// A deadline long past: the request queues and leaves at once.
	expired, cancelExpired := context.WithDeadline(context.Background(), time.Time{})
	defer cancelExpired()
	g.Eventually(serve(expired)).Should(Receive(Equal(http.StatusGatewayTimeout)))
	g.Expect(waiting()).To(BeZero())

	third := serve(context.Background())
	g.Eventually(waiting).Should(Equal(1))
	clk.Step(time.Second) // the first finishes; the third starts
	g.Eventually(first).Should(Receive(Equal(http.StatusOK)))
	g.Eventually(clk.Waiters).Should(Equal(1))
	clk.Step(time.Second)
	g.Eventually(third).Should(Receive(Equal(http.StatusOK)))
}
