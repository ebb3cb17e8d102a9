package channel

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
)

func newEvent(id string) *cloudevents.Event {
	ev := cloudevents.NewEvent()
	ev.SetID(id)
	ev.SetType("dev.knsim.test")
	ev.SetSource("/test")
	return &ev
}

func TestAccept(t *testing.T) {
	x := NewDispatcher()
	x.SetChannel(Key{"ns", "orders"}, []Subscriber{{SubscriberURI: "http://a/"}})
	invalid := cloudevents.NewEvent()
	tests := []struct {
		name       string
		method     string
		host, path string
		ev         *cloudevents.Event
		err        error
		want       Response
	}{
		{name: "by host", method: "POST", host: "orders-kn-channel.ns.svc.cluster.local", path: "/", ev: newEvent("1"),
			want: Response{Status: 202, Channel: Key{"ns", "orders"}}},
		{name: "by host with port", method: "POST", host: "orders-kn-channel.ns.svc.cluster.local:8080", path: "/", ev: newEvent("1"),
			want: Response{Status: 202, Channel: Key{"ns", "orders"}}},
		{name: "by path", method: "POST", host: "127.0.0.1:1234", path: "/ns/orders", ev: newEvent("1"),
			want: Response{Status: 202, Channel: Key{"ns", "orders"}}},
		{name: "GET", method: "GET", path: "/ns/orders", want: Response{Status: 405, Reason: ReasonMethod}},
		{name: "OPTIONS", method: "OPTIONS", path: "/ns/orders", want: Response{Status: 200}},
		{name: "unknown host", method: "POST", host: "localhost", path: "/", ev: newEvent("1"),
			want: Response{Status: 404, Reason: ReasonUnknownChannel}},
		{name: "bad path", method: "POST", path: "/ns", ev: newEvent("1"), want: Response{Status: 400, Reason: ReasonPath}},
		{name: "unknown channel", method: "POST", path: "/ns/other", ev: newEvent("1"),
			want: Response{Status: 404, Reason: ReasonUnknownChannel, Channel: Key{"ns", "other"}}},
		{name: "not an event", method: "POST", path: "/ns/orders", err: errors.New("no"),
			want: Response{Status: 400, Reason: ReasonInvalidEvent, Channel: Key{"ns", "orders"}}},
		{name: "invalid event", method: "POST", path: "/ns/orders", ev: &invalid,
			want: Response{Status: 400, Reason: ReasonInvalidEvent, Channel: Key{"ns", "orders"}}},
		{name: "too large", method: "POST", path: "/ns/orders", err: eventing.ErrBodyTooLarge,
			want: Response{Status: 413, Reason: ReasonTooLarge, Channel: Key{"ns", "orders"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := x.Accept(tc.method, tc.host, tc.path, tc.ev, tc.err)
			got.Event = nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Accept (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFanoutAndReplies(t *testing.T) {
	x := NewDispatcher()
	k := Key{"ns", "c"}
	p := delivery.Policy{Retry: 2, DeadLetterURI: "http://dls/"}
	x.SetChannel(k, []Subscriber{
		{UID: "a", SubscriberURI: "http://a/", ReplyURI: "http://reply/", Delivery: p},
		{UID: "b", SubscriberURI: "http://b/"},
	})
	r := x.Accept("POST", "", "/ns/c", newEvent("e1"), nil)
	ds := x.Fanout(r)
	var targets []string
	for _, d := range ds {
		targets = append(targets, d.Delivery.Target())
	}
	sort.Strings(targets)
	if diff := cmp.Diff([]string{"http://a/", "http://b/"}, targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	// Channel deliveries ignore a non-event 2xx body.
	if dec := ds[1].Delivery.Next(time.Time{}, delivery.Attempt{Status: 200, Body: []byte("ok")}); dec.Action != delivery.Done {
		t.Errorf("non-event body: %v, want Done", dec.Action)
	}
	reply := newEvent("r1")
	rd := x.ReplyDelivery(ds[0], reply)
	if rd == nil || rd.Target() != "http://reply/" || rd.Kind() != delivery.ToReply {
		t.Fatalf("reply delivery = %+v", rd)
	}
	dec := rd.Next(time.Time{}, delivery.Attempt{Status: 400})
	if dec.Action != delivery.DeadLetter || dec.DeadLetter.ID() != "e1" {
		t.Errorf("failed reply dead-letters the original: %v %v", dec.Action, dec.DeadLetter)
	}
	if rd := x.ReplyDelivery(ds[1], reply); rd != nil {
		t.Error("no replyUri: the reply is dropped")
	}
	s := x.Counters().Snapshot()
	if s.Accepted != 1 || s.Dispatched != 2 || s.Replies != 2 || s.RepliesDropped != 1 {
		t.Errorf("counters = %+v", s)
	}
}

func TestSubscriberFromSpec(t *testing.T) {
	retry := int32(3)
	s, err := SubscriberFromSpec(duck.SubscriberSpec{UID: "u", SubscriberURI: "http://s/", ReplyURI: "http://r/",
		Delivery: &duck.DeliverySpec{Retry: &retry, DeadLetterSink: &duck.Destination{URI: "http://dls/"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := Subscriber{UID: "u", SubscriberURI: "http://s/", ReplyURI: "http://r/", Delivery: delivery.Policy{Retry: 3, DeadLetterURI: "http://dls/"}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := int32(-1)
	if _, err := SubscriberFromSpec(duck.SubscriberSpec{Delivery: &duck.DeliverySpec{Retry: &bad}}); err == nil {
		t.Error("negative retry must fail")
	}
}

// timerClock is a FakeClock that reports the timers it registers.
type timerClock struct {
	*clocktesting.FakeClock
	timers chan time.Duration
}

func (c *timerClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	t := c.FakeClock.AfterFunc(d, f)
	c.timers <- d
	return t
}

func TestRealChannel(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]string{} // server -> event ids
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			ev, err := wire.ReadRequest(r, 0)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			mu.Lock()
			got[name] = append(got[name], ev.ID())
			n := len(got[name])
			mu.Unlock()
			switch {
			case name == "flaky" && n == 1:
				w.WriteHeader(http.StatusServiceUnavailable)
			case name == "replier":
				_ = wire.WriteEvent(w, newEvent("reply-to-"+ev.ID()), http.StatusOK)
			default:
				_, _ = w.Write([]byte("thanks")) // a non-event body: ignored by channels
			}
		}
	}
	flaky := httptest.NewServer(record("flaky"))
	defer flaky.Close()
	replier := httptest.NewServer(record("replier"))
	defer replier.Close()
	replies := httptest.NewServer(record("replies"))
	defer replies.Close()

	core := NewDispatcher()
	core.SetChannel(Key{"ns", "c"}, []Subscriber{
		{SubscriberURI: flaky.URL, Delivery: delivery.Policy{Retry: 1, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: time.Second}},
		{SubscriberURI: replier.URL, ReplyURI: replies.URL},
	})
	clk := &timerClock{FakeClock: clocktesting.NewFakeClock(time.Unix(0, 0)), timers: make(chan time.Duration, 16)}
	x := delivery.NewDispatcher(clk, delivery.DispatcherOptions{})
	defer x.Close()
	final := make(chan struct{}, 16)
	srv := httptest.NewServer(NewHandler(core, x, HandlerOptions{Observe: func(d *delivery.Delivery, dec delivery.Decision) {
		if dec.Action == delivery.Done || dec.Action == delivery.Drop {
			final <- struct{}{}
		}
	}}))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/ns/c", strings.NewReader(`{"a":1}`))
	for k, v := range map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "e1", "Ce-Type": "t", "Ce-Source": "/s", "Content-Type": "application/json"} {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	guard := time.NewTimer(20 * time.Second) // a hang guard, not a wait
	defer guard.Stop()
	for done := 0; done < 3; { // flaky, replier, reply forwarding
		select {
		case d := <-clk.timers:
			clk.Step(d)
		case <-final:
			done++
		case <-guard.C:
			t.Fatal("timed out")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string][]string{"flaky": {"e1", "e1"}, "replier": {"e1"}, "replies": {"reply-to-e1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
	s := core.Counters().Snapshot()
	wantD := delivery.StatsSnapshot{Delivered: 2, Forwarded: 1, Retries: 1}
	if diff := cmp.Diff(wantD, s.Delivery); diff != "" {
		t.Errorf("delivery stats (-want +got):\n%s", diff)
	}
}
