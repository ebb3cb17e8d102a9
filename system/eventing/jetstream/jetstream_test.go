package jetstream

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/wire"
	"github.com/nats-io/nats.go"
)

func TestConfigResolve(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/knsim-cache-test")
	cfg, err := Config{}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if want := "/tmp/knsim-cache-test/knsim/jetstream/default"; cfg.StoreDir != want {
		t.Errorf("default StoreDir = %q, want %q", cfg.StoreDir, want)
	}
	if cfg.AckWait != DefaultAckWait || cfg.MaxAckPending != DefaultMaxAckPending || cfg.Replicas != 1 ||
		cfg.SubjectPrefix != "knsim.ch" || cfg.MaxBodyBytes != wire.DefaultMaxBodyBytes || cfg.SpareDeliveries != 2 {
		t.Errorf("defaults = %+v", cfg)
	}
	cfg, err = Config{Name: "edge", SpareDeliveries: -1}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cfg.StoreDir, "/knsim/jetstream/edge") || cfg.SpareDeliveries != 0 {
		t.Errorf("named: StoreDir %q, spare %d", cfg.StoreDir, cfg.SpareDeliveries)
	}

	bad := map[string]Config{
		"url and storeDir":      {URL: "nats://127.0.0.1:4222", StoreDir: "/tmp/x"},
		"url scheme":            {URL: "http://127.0.0.1:4222"},
		"url without host":      {URL: "nats://"},
		"one bad url in list":   {URL: "nats://a:4222,foo://b"},
		"inProcess with url":    {URL: "nats://a:4222", InProcess: true},
		"negative ackWait":      {StoreDir: "/tmp/x", AckWait: -time.Second},
		"tiny ackWait":          {StoreDir: "/tmp/x", AckWait: time.Millisecond},
		"negative drain":        {StoreDir: "/tmp/x", DrainTimeout: -1},
		"replicas embedded":     {StoreDir: "/tmp/x", Replicas: 3},
		"replicas range":        {URL: "nats://a:4222", Replicas: 7},
		"bad name":              {Name: "../up"},
		"bad subject prefix":    {StoreDir: "/tmp/x", SubjectPrefix: "knsim.*"},
		"bad stream prefix":     {StoreDir: "/tmp/x", StreamPrefix: "a.b"},
		"negative pending":      {StoreDir: "/tmp/x", MaxAckPending: -1},
		"body over max payload": {StoreDir: "/tmp/x", MaxBodyBytes: 16 << 20},
	}
	for name, cfg := range bad {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

func TestSetChannelValidation(t *testing.T) {
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true})
	ok := Subscriber{UID: "u1", SubscriberURI: "http://127.0.0.1:1/"}
	cases := map[string]struct {
		ns, name string
		subs     []Subscriber
	}{
		"namespace":      {"Bad_NS", "c", nil},
		"name":           {"ns", "C!", nil},
		"missing uid":    {"ns", "c", []Subscriber{{SubscriberURI: "http://a/"}}},
		"relative uri":   {"ns", "c", []Subscriber{{UID: "u", SubscriberURI: "/x"}}},
		"bad reply":      {"ns", "c", []Subscriber{{UID: "u", SubscriberURI: "http://a/", ReplyURI: "ftp://r/"}}},
		"bad dls":        {"ns", "c", []Subscriber{{UID: "u", SubscriberURI: "http://a/", Delivery: delivery.Policy{DeadLetterURI: "nope"}}}},
		"negative retry": {"ns", "c", []Subscriber{{UID: "u", SubscriberURI: "http://a/", Delivery: delivery.Policy{Retry: -1}}}},
		"same durable":   {"ns", "c", []Subscriber{{UID: "a.b", SubscriberURI: "http://a/"}, {UID: "a_b", SubscriberURI: "http://a/"}}},
	}
	for name, tc := range cases {
		if err := c.SetChannel(tc.ns, tc.name, tc.subs); err == nil {
			t.Errorf("%s: SetChannel accepted", name)
		}
	}
	if err := c.SetChannel("ns", "with.dots", []Subscriber{ok}); err != nil {
		t.Fatalf("valid channel: %v", err)
	}
	if got, want := c.subjectFor(Key{Namespace: "ns", Name: "with.dots"}), "knsim.ch.ns.with_dots"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	if got := c.streamFor(Key{Namespace: "ns", Name: strings.Repeat("a", 253)}); len(got) > maxNameLen {
		t.Errorf("long stream name not shortened: %d chars", len(got))
	}
}

func TestIngress(t *testing.T) {
	sub := newSink(t, nil)
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true, MaxBodyBytes: 1024})
	if err := c.SetChannel("ns", "orders", []Subscriber{{UID: "s1", SubscriberURI: sub.URL()}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()

	binary := func(path, host string, ev *cloudevents.Event) *http.Request {
		req, err := wire.NewRequest(t.Context(), srv.URL+path, ev)
		if err != nil {
			t.Fatal(err)
		}
		if host != "" {
			req.Host = host
		}
		return req
	}
	raw := func(method, path, ctype, body string) *http.Request {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		return req
	}
	invalid := cloudevents.NewEvent()
	invalid.SetID("x")
	structured := `{"specversion":"1.0","id":"s1","type":"t","source":"/s","datacontenttype":"text/plain","data":"hi"}`
	cases := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"binary by path", binary("/ns/orders", "", newEvent("b1")), 202},
		{"binary by host", binary("/", "orders-kn-channel.ns.svc.cluster.local", newEvent("b2")), 202},
		{"structured", raw("POST", "/ns/orders", "application/cloudevents+json", structured), 202},
		{"options", raw("OPTIONS", "/ns/orders", "", ""), 200},
		{"get", raw("GET", "/ns/orders", "", ""), 405},
		{"bad path", binary("/ns", "", newEvent("x")), 400},
		{"unknown host", binary("/", "localhost", newEvent("x")), 404},
		{"unknown channel", binary("/ns/other", "", newEvent("x")), 404},
		{"not an event", raw("POST", "/ns/orders", "text/plain", "hello"), 400},
		{"invalid event", binary("/ns/orders", "", &invalid), 400},
		{"too large", raw("POST", "/ns/orders", "application/cloudevents+json", strings.Repeat(" ", 2048)+structured), 413},
	}
	for _, tc := range cases {
		resp, err := http.DefaultClient.Do(tc.req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	g := eventually(t)
	g.Eventually(sub.delivered).Should(Equal(3))
	for _, ev := range sub.received() {
		if ev.ID() == "s1" && string(ev.Data()) != "hi" {
			t.Errorf("structured event data = %q", ev.Data())
		}
	}
	s := c.Counters().Snapshot()
	want := map[channel.Reason]int64{channel.ReasonMethod: 1, channel.ReasonPath: 1, channel.ReasonUnknownChannel: 2,
		channel.ReasonInvalidEvent: 2, channel.ReasonTooLarge: 1}
	g.Expect(s.Accepted).To(Equal(int64(3)))
	g.Expect(s.Rejected).To(Equal(want))

	// Closing: the ingress stops taking events.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(binary("/ns/orders", "", newEvent("late")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Close: status %d, want 503", resp.StatusCode)
	}
}

func TestDeliverAllWithReplies(t *testing.T) {
	const n = 100
	plain := newSink(t, nil)
	replies := newSink(t, nil)
	replier := newSink(t, func(w http.ResponseWriter, _ *http.Request, ev *cloudevents.Event, _ int) {
		_ = wire.WriteEvent(w, newEvent("reply-to-"+ev.ID()), http.StatusOK)
	})
	c := newChannels(t, Config{StoreDir: t.TempDir()})
	if c.ServerURL() == "" || !strings.HasPrefix(c.ServerURL(), "nats://127.0.0.1:") {
		t.Errorf("embedded server URL = %q", c.ServerURL())
	}
	if err := c.SetChannel("ns", "c", []Subscriber{
		{UID: "plain", SubscriberURI: plain.URL()},
		{UID: "replier", SubscriberURI: replier.URL(), ReplyURI: replies.URL()},
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	publishN(t, srv.URL+"/ns/c", "e", n)

	g := eventually(t)
	g.Eventually(plain.delivered).Should(Equal(n))
	g.Eventually(replier.delivered).Should(Equal(n))
	g.Eventually(replies.delivered).Should(Equal(n))
	g.Expect(plain.duplicates()).To(BeZero())
	g.Expect(replies.attemptsOf("reply-to-e-7")).To(Equal(1))
	// Interest retention: every subscription acked, so the stream is empty.
	g.Eventually(func() uint64 { return streamMsgs(t, c, "ns", "c") }).Should(BeZero())
	s := c.Counters().Snapshot()
	g.Expect(s.Delivery).To(Equal(delivery.StatsSnapshot{Delivered: 2 * n, Forwarded: n}))
	g.Expect(s.Replies).To(Equal(int64(n)))
}

func TestRetryThenSuccess(t *testing.T) {
	const n = 5
	sub := newSink(t, func(w http.ResponseWriter, _ *http.Request, _ *cloudevents.Event, attempt int) {
		if attempt <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	var mu sync.Mutex
	var retries []delivery.Decision
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true, Observe: func(_ *delivery.Delivery, dec delivery.Decision) {
		if dec.Action == delivery.Retry {
			mu.Lock()
			retries = append(retries, dec)
			mu.Unlock()
		}
	}})
	p := delivery.Policy{Retry: 3, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: 20 * time.Millisecond}
	if err := c.SetChannel("ns", "c", []Subscriber{{UID: "s", SubscriberURI: sub.URL(), Delivery: p}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	ids := publishN(t, srv.URL+"/ns/c", "r", n)

	g := eventually(t)
	g.Eventually(sub.delivered).Should(Equal(n))
	// Acked (after counting): the stream is empty.
	g.Eventually(func() uint64 { return streamMsgs(t, c, "ns", "c") }).Should(BeZero())
	for _, id := range ids {
		g.Expect(sub.attemptsOf(id)).To(Equal(3), id)
		// JetStream held each redelivery back for the policy's backoff:
		// 20ms before retry 1, 40ms before retry 2.
		sub.mu.Lock()
		ts := sub.times[id]
		sub.mu.Unlock()
		g.Expect(ts[1].Sub(ts[0])).To(BeNumerically(">=", 20*time.Millisecond), id)
		g.Expect(ts[2].Sub(ts[1])).To(BeNumerically(">=", 40*time.Millisecond), id)
	}
	mu.Lock()
	defer mu.Unlock()
	g.Expect(retries).To(HaveLen(2 * n))
	for _, dec := range retries {
		g.Expect(dec.Status).To(Equal(503))
		g.Expect(dec.Wait).To(Equal(p.Backoff(dec.Attempts)), "retry after attempt %d", dec.Attempts)
	}
	s := c.Counters().Snapshot()
	g.Expect(s.Delivery).To(Equal(delivery.StatsSnapshot{Delivered: n, Retries: 2 * n}))
	g.Expect(s.Redelivered).To(Equal(int64(2 * n)))
	g.Expect(s.Attempts).To(Equal(int64(3 * n)))
}

func TestDeadLetter(t *testing.T) {
	const n = 3
	failing := newSink(t, func(w http.ResponseWriter, _ *http.Request, _ *cloudevents.Event, _ int) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("boom"))
	})
	rejecting := newSink(t, func(w http.ResponseWriter, _ *http.Request, _ *cloudevents.Event, _ int) {
		w.WriteHeader(http.StatusBadRequest) // not retriable
	})
	dls := newSink(t, nil)
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true})
	withDLS := delivery.Policy{Retry: 2, DeadLetterURI: dls.URL()}
	if err := c.SetChannel("ns", "c", []Subscriber{
		{UID: "failing", SubscriberURI: failing.URL() + "/failing", Delivery: withDLS},
		{UID: "rejecting", SubscriberURI: rejecting.URL() + "/rejecting", Delivery: withDLS},
		{UID: "lost", SubscriberURI: failing.URL() + "/lost", Delivery: delivery.Policy{Retry: 1}},
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	ids := publishN(t, srv.URL+"/ns/c", "d", n)

	g := eventually(t)
	g.Eventually(dls.delivered).Should(Equal(n))
	g.Eventually(func() int { return len(dls.received()) }).Should(Equal(2 * n))
	g.Eventually(func() int64 { return c.Counters().Snapshot().Delivery.Lost }).Should(Equal(int64(n)))
	byDest := map[string]int{}
	for _, ev := range dls.received() {
		ext := ev.Extensions()
		dest := fmt.Sprint(ext[delivery.ExtErrorDest])
		byDest[dest]++
		switch dest {
		case failing.URL() + "/failing":
			g.Expect(fmt.Sprint(ext[delivery.ExtErrorCode])).To(Equal("500"))
			g.Expect(fmt.Sprint(ext[delivery.ExtErrorData])).To(Equal(delivery.ErrorData([]byte("boom"))))
		case rejecting.URL() + "/rejecting":
			g.Expect(fmt.Sprint(ext[delivery.ExtErrorCode])).To(Equal("400"))
		default:
			t.Errorf("dead letter from unexpected destination %q", dest)
		}
	}
	g.Expect(byDest).To(HaveLen(2))
	for _, id := range ids {
		// failing: 1 + 2 retries on /failing, 1 + 1 on /lost; rejecting: once.
		g.Expect(failing.attemptsOf(id)).To(Equal(3+2), id)
		g.Expect(rejecting.attemptsOf(id)).To(Equal(1), id)
	}
	// Dead-lettered events are acked and lost ones terminated: nothing stays.
	g.Eventually(func() uint64 { return streamMsgs(t, c, "ns", "c") }).Should(BeZero())
	s := c.Counters().Snapshot()
	g.Expect(s.Delivery).To(Equal(delivery.StatsSnapshot{Retries: 3 * n, DeadLettered: 2 * n, Lost: n}))
}

// TestRemoveSubscriber: a subscription taken off the channel loses its
// durable consumer; the others keep theirs.
func TestRemoveSubscriber(t *testing.T) {
	a, b := newSink(t, nil), newSink(t, nil)
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true})
	both := []Subscriber{{UID: "a", SubscriberURI: a.URL()}, {UID: "b", SubscriberURI: b.URL()}}
	if err := c.SetChannel("ns", "c", both); err != nil {
		t.Fatal(err)
	}
	if err := c.SetChannel("ns", "c", both[:1]); err != nil {
		t.Fatal(err)
	}
	st, err := c.js.Stream(t.Context(), c.streamFor(Key{Namespace: "ns", Name: "c"}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range st.ConsumerNames(t.Context()).Name() {
		names = append(names, name)
	}
	if len(names) != 1 || names[0] != "a" {
		t.Errorf("consumers = %v, want [a]", names)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	publishN(t, srv.URL+"/ns/c", "x", 3)
	eventually(t).Eventually(a.delivered).Should(Equal(3))
	if b.tried() != 0 {
		t.Errorf("removed subscriber got %d events", b.tried())
	}
	if err := c.DeleteChannel("ns", "c"); err != nil {
		t.Fatal(err)
	}
	if st := post(t, srv.URL+"/ns/c", newEvent("gone")); st != http.StatusNotFound {
		t.Errorf("deleted channel: status %d, want 404", st)
	}
}

// TestInjectedClock: the waits the package times itself (here the retry of
// a dead-letter delivery, which runs in process while the message is held)
// come from the injected clock.
func TestInjectedClock(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(0, 0))
	rejecting := newSink(t, func(w http.ResponseWriter, _ *http.Request, _ *cloudevents.Event, _ int) {
		w.WriteHeader(http.StatusBadRequest)
	})
	dls := newSink(t, func(w http.ResponseWriter, _ *http.Request, _ *cloudevents.Event, attempt int) {
		if attempt == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true, Clock: clk})
	p := delivery.Policy{Retry: 1, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: time.Hour, DeadLetterURI: dls.URL()}
	if err := c.SetChannel("ns", "c", []Subscriber{{UID: "s", SubscriberURI: rejecting.URL(), Delivery: p}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	publishN(t, srv.URL+"/ns/c", "k", 1)
	g := eventually(t)
	// The heartbeat always waits on the clock; the dead-letter retry adds
	// a second waiter, for an hour of fake time.
	g.Eventually(clk.Waiters).Should(Equal(2))
	g.Expect(dls.tried()).To(Equal(1))
	g.Expect(dls.delivered()).To(BeZero())
	clk.Step(time.Hour)
	g.Eventually(dls.delivered).Should(Equal(1))
	g.Eventually(func() uint64 { return streamMsgs(t, c, "ns", "c") }).Should(BeZero())
	g.Expect(c.Counters().Snapshot().Delivery).To(Equal(delivery.StatsSnapshot{Retries: 1, DeadLettered: 1}))
}

func TestSubscribersFromSpec(t *testing.T) {
	retry := int32(2)
	subs, err := SubscribersFromSpec([]duck.SubscriberSpec{
		{UID: "u1", SubscriberURI: "http://a/", ReplyURI: "http://r/"},
		{UID: "u2", SubscriberURI: "http://b/", Delivery: &duck.DeliverySpec{Retry: &retry, DeadLetterSink: &duck.Destination{URI: "http://dls/"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Subscriber{
		{UID: "u1", SubscriberURI: "http://a/", ReplyURI: "http://r/"},
		{UID: "u2", SubscriberURI: "http://b/", Delivery: delivery.Policy{Retry: 2, DeadLetterURI: "http://dls/"}},
	}
	if diff := cmp.Diff(want, subs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := int32(-1)
	if _, err := SubscribersFromSpec([]duck.SubscriberSpec{{UID: "x", Delivery: &duck.DeliverySpec{Retry: &bad}}}); err == nil {
		t.Error("negative retry must fail")
	}
}

// TestPublishTooLargeForServer: an external server with a small
// max_payload refuses the publish; the ingress answers 413, not 202.
func TestPublishTooLargeForServer(t *testing.T) {
	srv, err := StartServer(ServerConfig{StoreDir: t.TempDir(), MaxPayload: 4096})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	sub := newSink(t, nil)
	c := newChannels(t, Config{URL: srv.ClientURL(), NATSOptions: []nats.Option{srv.ClientAuth()}})
	if err := c.SetChannel("ns", "c", []Subscriber{{UID: "s", SubscriberURI: sub.URL()}}); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(c)
	defer ingress.Close()
	big := newEvent("big")
	_ = big.SetData("text/plain", strings.Repeat("x", 8192))
	if st := post(t, ingress.URL+"/ns/c", big); st != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", st)
	}
	if st := post(t, ingress.URL+"/ns/c", newEvent("small")); st != http.StatusAccepted {
		t.Errorf("status %d, want 202", st)
	}
	eventually(t).Eventually(sub.delivered).Should(Equal(1))
	s := c.Counters().Snapshot()
	if s.PublishFailed != 1 || s.Rejected[channel.ReasonTooLarge] != 1 || s.Accepted != 1 {
		t.Errorf("counters = %+v", s)
	}
}
