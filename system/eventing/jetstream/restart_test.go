package jetstream

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/nats-io/nats.go"
	. "github.com/onsi/gomega"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
)

// gate is a subscriber's health: down answers 503 (or, for a hanging
// subscriber, holds the request until the dispatcher gives up).
type gate struct{ up atomic.Bool }

func (g *gate) failing(w http.ResponseWriter, _ *http.Request, _ *cloudevents.Event, _ int) {
	if !g.up.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
}

func (g *gate) hanging(w http.ResponseWriter, r *http.Request, _ *cloudevents.Event, _ int) {
	if !g.up.Load() {
		<-r.Context().Done()
		w.WriteHeader(http.StatusServiceUnavailable) // never seen: recorded as a failure
	}
}

// retrying is a policy that keeps an event pending for a long time at
// small waits: 0, 10ms, 20ms, ... before retries 1, 2, 3, ...
var retrying = delivery.Policy{Retry: 200, BackoffPolicy: duck.BackoffPolicyLinear, BackoffDelay: 10 * time.Millisecond}

// TestDispatcherRestart stops the dispatcher (the NATS server stays up)
// while every event is pending: some wait for a redelivery after 503s,
// some are in flight to a subscriber that hangs. A new dispatcher on the
// same server resumes the durable consumers and delivers every event.
func TestDispatcherRestart(t *testing.T) {
	const n = 30
	srv, err := StartServer(ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown) // after the channels' Close (cleanups run last in, first out)
	var health gate
	flaky := newSink(t, health.failing)
	hung := newSink(t, health.hanging)
	subs := []Subscriber{
		{UID: "flaky", SubscriberURI: flaky.URL(), Delivery: retrying},
		{UID: "hung", SubscriberURI: hung.URL(), Delivery: retrying},
	}
	cfg := Config{URL: srv.ClientURL(), NATSOptions: []nats.Option{srv.ClientAuth()}, DrainTimeout: 200 * time.Millisecond}
	g := eventually(t)

	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(a)
	publishN(t, ingress.URL+"/ns/c", "e", n)
	// 202 means stored: the stream holds every event before any delivery.
	g.Expect(streamMsgs(t, a, "ns", "c")).To(Equal(uint64(n)))
	g.Eventually(flaky.tried).Should(Equal(n))
	g.Eventually(hung.tried).Should(Equal(n))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ingress.Close()
	sa := a.Counters().Snapshot()
	g.Expect(sa.Aborted).To(BeNumerically(">=", n), "hung deliveries handed back at Close")
	g.Expect(flaky.delivered() + hung.delivered()).To(BeZero())

	health.up.Store(true)
	b := newChannels(t, cfg)
	if err := b.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	g.Eventually(flaky.delivered).Should(Equal(n))
	g.Eventually(hung.delivered).Should(Equal(n))
	g.Eventually(func() uint64 { return streamMsgs(t, b, "ns", "c") }).Should(BeZero())
	t.Logf("dispatcher restart: %d/%d delivered to each subscriber, duplicates flaky=%d hung=%d; before the restart: %d attempts, %d aborted",
		flaky.delivered(), n, flaky.duplicates(), hung.duplicates(), sa.Attempts, sa.Aborted)
	g.Expect(flaky.duplicates()+hung.duplicates()).To(BeZero(), "a clean Close acks or hands back every event")
}

// TestEmbeddedServerRestart closes the whole instance, embedded server
// included, with events pending, and starts a new one on the same store.
func TestEmbeddedServerRestart(t *testing.T) {
	const n = 30
	dir := t.TempDir()
	var health gate
	sub := newSink(t, health.failing)
	subs := []Subscriber{{UID: "7c1e0d4a-0000-4000-8000-000000000001", SubscriberURI: sub.URL(), Delivery: retrying}}
	g := eventually(t)

	a, err := New(Config{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(a)
	publishN(t, ingress.URL+"/ns/c", "e", n)
	g.Eventually(sub.tried).Should(Equal(n))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ingress.Close()

	health.up.Store(true)
	start := time.Now()
	b := newChannels(t, Config{StoreDir: dir})
	// The new server recovered the stream from disk, events included,
	// before any channel is configured.
	g.Expect(streamMsgs(t, b, "ns", "c")).To(Equal(uint64(n)))
	if err := b.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	g.Eventually(sub.delivered).Should(Equal(n))
	t.Logf("server restart: %d/%d delivered, %d duplicates in %s", sub.delivered(), n, sub.duplicates(), time.Since(start))
	g.Expect(sub.duplicates()).To(BeZero())
}

// TestCrash kills a dispatcher without any cleanup (its connection drops,
// nothing is acked or nak'd) while every event is in flight to a slow
// subscriber. The subscriber then takes all of them, but the acks die with
// the dispatcher: JetStream redelivers each event once AckWait expires, to
// the next dispatcher. Nothing is lost; every event is delivered twice,
// the at-least-once price of a crash, and the test reports it.
func TestCrash(t *testing.T) {
	const n = 30
	srv, err := StartServer(ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	release := make(chan struct{})
	slow := newSink(t, func(_ http.ResponseWriter, r *http.Request, _ *cloudevents.Event, attempt int) {
		if attempt == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	})
	subs := []Subscriber{{UID: "slow", SubscriberURI: slow.URL(), Delivery: retrying}}
	cfg := Config{URL: srv.ClientURL(), NATSOptions: []nats.Option{srv.ClientAuth()}, AckWait: 300 * time.Millisecond, DrainTimeout: time.Second}
	g := eventually(t)

	a := newChannels(t, cfg)
	if err := a.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(a)
	defer ingress.Close()
	publishN(t, ingress.URL+"/ns/c", "e", n)
	g.Eventually(slow.tried).Should(Equal(n))
	a.nc.Close() // crash: the dispatcher's link to JetStream is gone
	close(release)

	b := newChannels(t, cfg)
	if err := b.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	g.Eventually(func() int { return slow.delivered() + slow.duplicates() }).Should(Equal(2 * n))
	g.Eventually(func() uint64 { return streamMsgs(t, b, "ns", "c") }).Should(BeZero())
	t.Logf("crash: %d/%d delivered, %d duplicates (2xx answers whose ack died with the dispatcher)",
		slow.delivered(), n, slow.duplicates())
	g.Expect(slow.delivered()).To(Equal(n))
}

// TestServerRestartUnderLiveDispatcher restarts the NATS server (same
// store, same port) under a running dispatcher, which reconnects and
// carries on.
func TestServerRestartUnderLiveDispatcher(t *testing.T) {
	const n = 20
	dir := t.TempDir()
	s1, err := StartServer(ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s1.ClientURL())
	_, portStr, _ := net.SplitHostPort(u.Host)
	port, _ := strconv.Atoi(portStr)
	var health gate
	sub := newSink(t, health.failing)
	subs := []Subscriber{{UID: "s", SubscriberURI: sub.URL(), Delivery: retrying}}
	// An ack or nak the dispatcher sends as the server goes down is lost;
	// JetStream redelivers that event after AckWait, kept short here.
	c := newChannels(t, Config{URL: s1.ClientURL(), AckWait: 500 * time.Millisecond,
		NATSOptions: []nats.Option{s1.ClientAuth(), nats.ReconnectWait(20 * time.Millisecond)}})
	if err := c.SetChannel("ns", "c", subs); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(c)
	defer ingress.Close()
	publishN(t, ingress.URL+"/ns/c", "e", n)
	g := eventually(t)
	g.Eventually(sub.tried).Should(Equal(n))
	s1.Shutdown()
	health.up.Store(true)
	// The same token: the dispatcher reconnects with the one it has.
	s2, err := StartServer(ServerConfig{StoreDir: dir, Port: port, Token: s1.Token()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s2.Shutdown)
	t0 := time.Now()
	g.Eventually(sub.delivered).Should(Equal(n))
	t.Logf("server restart under a live dispatcher: %d/%d delivered %s after the restart, %d duplicates",
		sub.delivered(), n, time.Since(t0).Round(time.Millisecond), sub.duplicates())
}

// TestInMemoryChannelLosesWhatJetStreamKeeps runs one story on both
// channel classes: a subscriber is down, n events are accepted (202) and
// wait for a retry, the dispatcher goes away, the subscriber recovers and
// a new dispatcher starts. The in-memory channel held the pending events
// in its dispatcher's memory (timers) only: none is ever delivered. The
// JetStream channel delivers all of them.
func TestInMemoryChannelLosesWhatJetStreamKeeps(t *testing.T) {
	const n = 20
	var health gate
	memSink := newSink(t, health.failing)
	jsSink := newSink(t, health.failing)
	policy := delivery.Policy{Retry: 5, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: 50 * time.Millisecond}
	k := Key{Namespace: "ns", Name: "c"}
	g := eventually(t)

	// In-memory channel: its dispatcher's retry timers run on a clock that
	// is never stepped: the process stops before they fire.
	memSubs := []Subscriber{{UID: "s", SubscriberURI: memSink.URL(), Delivery: policy}}
	core := channel.NewDispatcher()
	core.SetChannel(k, memSubs)
	x := delivery.NewDispatcher(clocktesting.NewFakeClock(time.Unix(0, 0)), delivery.DispatcherOptions{})
	waiting := make(chan struct{}, n)
	mem := httptest.NewServer(channel.NewHandler(core, x, channel.HandlerOptions{Observe: func(_ *delivery.Delivery, dec delivery.Decision) {
		if dec.Action == delivery.Retry {
			waiting <- struct{}{}
		}
	}}))
	publishN(t, mem.URL+"/ns/c", "m", n)
	guard := time.NewTimer(waitFor) // a hang guard, not a wait
	defer guard.Stop()
	for range n {
		select {
		case <-waiting:
		case <-guard.C:
			t.Fatal("in-memory: events never failed their first attempt")
		}
	}
	g.Expect(x.InFlight()).To(Equal(int64(n)), "in-memory: every event waits for a retry")
	x.Close() // the dispatcher goes away with what it held
	mem.Close()

	// JetStream channel: the same story.
	dir := t.TempDir()
	a, err := New(Config{StoreDir: dir, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	jsSubs := []Subscriber{{UID: "s", SubscriberURI: jsSink.URL(), Delivery: policy}}
	if err := a.SetChannel(k.Namespace, k.Name, jsSubs); err != nil {
		t.Fatal(err)
	}
	ing := httptest.NewServer(a)
	publishN(t, ing.URL+"/ns/c", "j", n)
	g.Eventually(jsSink.tried).Should(Equal(n))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ing.Close()

	// Everything restarts with the subscriber healthy.
	health.up.Store(true)
	core2 := channel.NewDispatcher()
	core2.SetChannel(k, memSubs)
	x2 := delivery.NewDispatcher(clocktesting.NewFakeClock(time.Unix(0, 0)), delivery.DispatcherOptions{})
	defer x2.Close()
	mem2 := httptest.NewServer(channel.NewHandler(core2, x2, channel.HandlerOptions{}))
	defer mem2.Close()
	b := newChannels(t, Config{StoreDir: dir, InProcess: true})
	if err := b.SetChannel(k.Namespace, k.Name, jsSubs); err != nil {
		t.Fatal(err)
	}
	g.Eventually(jsSink.delivered).Should(Equal(n))

	// By now the JetStream channel delivered everything; the restarted
	// in-memory channel has nothing to deliver: it never heard of the
	// events its predecessor accepted.
	g.Expect(x2.InFlight()).To(BeZero())
	g.Expect(core2.Counters().Snapshot().Accepted).To(BeZero())
	g.Expect(memSink.delivered()).To(BeZero())
	t.Logf("after a dispatcher restart: in-memory channel delivered %d/%d accepted events, JetStream channel %d/%d (%d duplicates)",
		memSink.delivered(), n, jsSink.delivered(), n, jsSink.duplicates())
}
