package broker

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
)

// timerClock is a FakeClock that reports every timer it registers, so a
// test steps virtual time exactly when the dispatcher waits.
type timerClock struct {
	*clocktesting.FakeClock
	timers chan time.Duration
}

func newTimerClock() *timerClock {
	return &timerClock{FakeClock: clocktesting.NewFakeClock(now), timers: make(chan time.Duration, 4096)}
}

func (c *timerClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	t := c.FakeClock.AfterFunc(d, f)
	c.timers <- d
	return t
}

// env is a real broker on httptest with a fake clock.
type env struct {
	ingress *Ingress
	clock   *timerClock
	server  *httptest.Server
	handler *Handler
	final   chan delivery.Decision
}

func newEnv(t *testing.T, opts HandlerOptions) *env {
	t.Helper()
	reg := NewRegistry()
	reg.SetBroker(Key{"default", "default"}, delivery.NoRetry())
	in := NewIngress(reg, nil)
	clk := newTimerClock()
	x := delivery.NewDispatcher(clk, delivery.DispatcherOptions{})
	t.Cleanup(x.Close)
	e := &env{ingress: in, clock: clk, final: make(chan delivery.Decision, 4096)}
	opts.Observe = func(d *delivery.Delivery, dec delivery.Decision) {
		if dec.Action == delivery.Done || dec.Action == delivery.Drop {
			e.final <- dec
		}
	}
	e.handler = NewHandler(in, x, clk, opts)
	e.server = httptest.NewServer(e.handler)
	t.Cleanup(e.server.Close)
	return e
}

// wait steps the clock for every timer until n deliveries ended.
func (e *env) wait(t *testing.T, n int) {
	t.Helper()
	guard := time.NewTimer(30 * time.Second) // a hang guard, not a wait
	defer guard.Stop()
	for done := 0; done < n; {
		select {
		case d := <-e.clock.timers:
			e.clock.Step(d)
		case <-e.final:
			done++
		case <-guard.C:
			t.Fatalf("only %d of %d deliveries ended", done, n)
		}
	}
}

func TestHandlerResponses(t *testing.T) {
	e := newEnv(t, HandlerOptions{MaxBodyBytes: 1024})
	big := strings.Repeat("x", 2048)
	type req struct {
		method, path string
		header       map[string]string
		body         string
		chunked      bool
	}
	binary := func(version string) map[string]string {
		return map[string]string{
			"Ce-Specversion": version, "Ce-Id": "1", "Ce-Type": "t", "Ce-Source": "/s",
			"Content-Type": "application/json",
		}
	}
	structured := func(version string) (map[string]string, string) {
		return map[string]string{"Content-Type": "application/cloudevents+json"},
			fmt.Sprintf(`{"specversion":%q,"id":"1","type":"t","source":"/s","datacontenttype":"application/json","data":{"a":1}}`, version)
	}
	s10h, s10b := structured("1.0")
	s03h, s03b := structured("0.3")
	tests := []struct {
		name string
		req  req
		want int
	}{
		{name: "binary 1.0", req: req{method: "POST", path: "/default/default", header: binary("1.0"), body: `{"a":1}`}, want: 202},
		{name: "binary 0.3", req: req{method: "POST", path: "/default/default", header: binary("0.3"), body: `{"a":1}`}, want: 202},
		{name: "structured 1.0", req: req{method: "POST", path: "/default/default", header: s10h, body: s10b}, want: 202},
		{name: "structured 0.3", req: req{method: "POST", path: "/default/default", header: s03h, body: s03b}, want: 202},
		{name: "binary without body", req: req{method: "POST", path: "/default/default", header: binary("1.0")}, want: 202},
		{name: "GET", req: req{method: "GET", path: "/default/default"}, want: 405},
		{name: "PUT with an event", req: req{method: "PUT", path: "/default/default", header: binary("1.0")}, want: 405},
		{name: "OPTIONS", req: req{method: "OPTIONS", path: "/default/default"}, want: 200},
		{name: "unknown broker", req: req{method: "POST", path: "/default/nope", header: binary("1.0")}, want: 404},
		{name: "root", req: req{method: "POST", path: "/", header: binary("1.0")}, want: 404},
		{name: "bad path", req: req{method: "POST", path: "/only", header: binary("1.0")}, want: 400},
		{name: "plain body", req: req{method: "POST", path: "/default/default", header: map[string]string{"Content-Type": "text/plain"}, body: "hello"}, want: 400},
		{name: "binary missing id", req: req{method: "POST", path: "/default/default", header: map[string]string{"Ce-Specversion": "1.0", "Ce-Type": "t", "Ce-Source": "/s"}}, want: 400},
		{name: "unknown specversion", req: req{method: "POST", path: "/default/default", header: binary("2.0")}, want: 400},
		{name: "structured bad json", req: req{method: "POST", path: "/default/default", header: s10h, body: "{"}, want: 400},
		{name: "oversized with content-length", req: req{method: "POST", path: "/default/default", header: binary("1.0"), body: big}, want: 413},
		{name: "oversized chunked", req: req{method: "POST", path: "/default/default", header: binary("1.0"), body: big, chunked: true}, want: 413},
		{name: "oversized structured", req: req{method: "POST", path: "/default/default", header: s10h, body: s10b + big}, want: 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.req.body)
			if tc.req.chunked {
				body = io.MultiReader(bytes.NewReader([]byte(tc.req.body))) // unknown length
			}
			r, err := http.NewRequest(tc.req.method, e.server.URL+tc.req.path, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.req.header {
				r.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == 405 && resp.Header.Get("Allow") != "POST, OPTIONS" {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
		})
	}
	s := e.ingress.Counters().Snapshot()
	want := map[Reason]int64{ReasonMethod: 2, ReasonUnknownBroker: 1, ReasonPath: 2, ReasonInvalidEvent: 4, ReasonTooLarge: 3}
	if diff := cmp.Diff(want, s.Rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}
	if s.Accepted != 5 {
		t.Errorf("accepted = %d, want 5", s.Accepted)
	}
}

func TestHandlerSDKClient(t *testing.T) {
	e := newEnv(t, HandlerOptions{})
	c, err := cloudevents.NewClientHTTP()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		version    string
		structured bool
	}{
		{"binary 1.0", "1.0", false},
		{"binary 0.3", "0.3", false},
		{"structured 1.0", "1.0", true},
		{"structured 0.3", "0.3", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := newEvent("sdk-"+tc.name, "dev.knsim.sdk")
			ev.SetSpecVersion(tc.version)
			if err := ev.SetData(cloudevents.ApplicationJSON, map[string]int{"n": 1}); err != nil {
				t.Fatal(err)
			}
			ctx := cloudevents.ContextWithTarget(context.Background(), e.server.URL+"/default/default")
			if tc.structured {
				ctx = cloudevents.WithEncodingStructured(ctx)
			}
			res := c.Send(ctx, *ev)
			var httpRes *cehttp.Result
			if !cloudevents.ResultAs(res, &httpRes) || httpRes.StatusCode != http.StatusAccepted {
				t.Errorf("result = %v, want 202", res)
			}
		})
	}
}

// subscriber is an httptest subscriber whose answer depends on how many
// times it has seen the event's id.
type subscriber struct {
	mu     sync.Mutex
	seen   map[string]int
	answer func(w http.ResponseWriter, n int)
	srv    *httptest.Server
}

func newSubscriber(t *testing.T, answer func(w http.ResponseWriter, n int)) *subscriber {
	s := &subscriber{seen: map[string]int{}, answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := wire.ReadRequest(r, 0)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if _, ok := GetTTL(ev); ok {
			t.Errorf("subscribers must not see %s", TTLExtension)
		}
		if _, ok := ev.Extensions()[ArrivalTimeExtension]; !ok {
			t.Errorf("subscribers see %s", ArrivalTimeExtension)
		}
		s.mu.Lock()
		s.seen[ev.ID()]++
		n := s.seen[ev.ID()]
		s.mu.Unlock()
		s.answer(w, n)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// send posts n binary events to the broker.
func send(t *testing.T, url string, n int) {
	t.Helper()
	c, err := cloudevents.NewClientHTTP()
	if err != nil {
		t.Fatal(err)
	}
	ctx := cloudevents.ContextWithTarget(context.Background(), url+"/default/default")
	for i := range n {
		if res := c.Send(ctx, *newEvent(fmt.Sprintf("e%03d", i), "dev.knsim.order")); !cloudevents.IsACK(res) {
			t.Fatalf("send %d: %v", i, res)
		}
	}
}

func TestEndToEndRetriesThenDelivers(t *testing.T) {
	sub := newSubscriber(t, func(w http.ResponseWriter, n int) {
		if n <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	e := newEnv(t, HandlerOptions{})
	retry := int32(5)
	exp := duck.BackoffPolicyExponential
	delay := "PT0.2S"
	p, err := delivery.FromSpec(&duck.DeliverySpec{Retry: &retry, BackoffPolicy: &exp, BackoffDelay: &delay})
	if err != nil {
		t.Fatal(err)
	}
	key := Key{"default", "default"}
	e.ingress.Registry().SetBroker(key, p)
	e.ingress.Registry().SetTriggers(key, []Trigger{{Name: "orders", SubscriberURI: sub.srv.URL}})
	const n = 50
	send(t, e.server.URL, n)
	e.wait(t, n)
	s := e.ingress.Counters().Snapshot()
	want := Snapshot{Accepted: n, Dispatched: n, Delivered: n, Retries: 2 * n, Rejected: map[Reason]int64{}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	sub.mu.Lock()
	defer sub.mu.Unlock()
	for id, c := range sub.seen {
		if c != 3 {
			t.Errorf("%s seen %d times, want 3", id, c)
		}
	}
	if len(sub.seen) != n {
		t.Errorf("subscriber saw %d events, want %d", len(sub.seen), n)
	}
}

func TestEndToEndDeadLetters(t *testing.T) {
	sub := newSubscriber(t, func(w http.ResponseWriter, n int) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("subscriber down"))
	})
	type dead struct{ Dest, Code, Data string }
	var mu sync.Mutex
	got := map[string]dead{}
	dls := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got[r.Header.Get("Ce-Id")] = dead{r.Header.Get("Ce-Knativeerrordest"), r.Header.Get("Ce-Knativeerrorcode"), r.Header.Get("Ce-Knativeerrordata")}
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer dls.Close()
	e := newEnv(t, HandlerOptions{})
	key := Key{"default", "default"}
	e.ingress.Registry().SetBroker(key, delivery.Policy{
		Retry: 3, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: 200 * time.Millisecond, DeadLetterURI: dls.URL,
	})
	e.ingress.Registry().SetTriggers(key, []Trigger{{Name: "orders", SubscriberURI: sub.srv.URL + "/orders"}})
	const n = 20
	send(t, e.server.URL, n)
	e.wait(t, n)
	want := map[string]dead{}
	for i := range n {
		want[fmt.Sprintf("e%03d", i)] = dead{sub.srv.URL + "/orders", "503", base64.StdEncoding.EncodeToString([]byte("subscriber down"))}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dead letters (-want +got):\n%s", diff)
	}
	s := e.ingress.Counters().Snapshot()
	wantS := Snapshot{Accepted: n, Dispatched: n, Retries: 3 * n, DeadLettered: n, Rejected: map[Reason]int64{}}
	if diff := cmp.Diff(wantS, s); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}

func TestEndToEndReplyLoopStopsAtTTL(t *testing.T) {
	var replies atomic.Int64
	sub := newSubscriber(t, func(w http.ResponseWriter, n int) {
		reply := newEvent(fmt.Sprintf("reply-%d", replies.Add(1)), "dev.knsim.ping")
		if err := wire.WriteEvent(w, reply, http.StatusOK); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	e := newEnv(t, HandlerOptions{})
	key := Key{"default", "default"}
	e.ingress.Registry().SetTriggers(key, []Trigger{{Name: "echo", SubscriberURI: sub.srv.URL}})
	c, err := cloudevents.NewClientHTTP()
	if err != nil {
		t.Fatal(err)
	}
	ctx := cloudevents.ContextWithTarget(context.Background(), e.server.URL+"/default/default")
	if res := c.Send(ctx, *newEvent("ping-0", "dev.knsim.ping")); !cloudevents.IsACK(res) {
		t.Fatal(res)
	}
	e.wait(t, 255)
	s := e.ingress.Counters().Snapshot()
	want := Snapshot{Accepted: 255, DroppedTTL: 1, Dispatched: 255, Delivered: 255, Replies: 255, Rejected: map[Reason]int64{}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}
