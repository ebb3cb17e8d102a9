package jetstream

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	. "github.com/onsi/gomega"
)

// TestReappliedSubscriptionResumesConsumer is knsim up restarted without
// its control plane: 200 events are stored for a subscriber that is down,
// the whole instance stops, and a new one on the same store gets the same
// Subscription (same namespace/name) with a new UID, as a re-applied
// manifest on a fresh kube-apiserver has. The consumer is named after the
// Subscription, so the new instance resumes it and delivers all 200.
func TestReappliedSubscriptionResumesConsumer(t *testing.T) {
	const n = 200
	dir := t.TempDir()
	var health gate
	sub := newSink(t, health.failing)
	g := eventually(t)

	a, err := New(Config{StoreDir: dir, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	first := []Subscriber{{UID: "uid-before-restart", Name: "default/orders-sub", SubscriberURI: sub.URL(), Delivery: retrying}}
	if err := a.SetChannel("default", "orders", first); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(a)
	publishN(t, ingress.URL+"/default/orders", "e", n)
	g.Eventually(sub.tried).Should(Equal(n))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ingress.Close()
	g.Expect(sub.delivered()).To(BeZero())

	health.up.Store(true)
	b := newChannels(t, Config{StoreDir: dir, InProcess: true})
	again := []Subscriber{{UID: "uid-after-restart", Name: "default/orders-sub", SubscriberURI: sub.URL(), Delivery: retrying}}
	if err := b.SetChannel("default", "orders", again); err != nil {
		t.Fatal(err)
	}
	g.Eventually(sub.delivered).Should(Equal(n))
	g.Eventually(func() uint64 { return streamMsgs(t, b, "default", "orders") }).Should(BeZero())
	g.Expect(consumerNames(t, b, "default", "orders")).To(ConsistOf("sub_default_orders-sub"))
}

// TestSubscriberIdentity checks the consumer names: one per Subscription,
// distinct for distinct Subscriptions (each gets every event), the UID
// when the name is not known, and a clear error when two subscribers would
// share one.
func TestSubscriberIdentity(t *testing.T) {
	const n = 10
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true})
	a, b, anon := newSink(t, nil), newSink(t, nil), newSink(t, nil)
	subs := []Subscriber{
		{UID: "u1", Name: "default/a", SubscriberURI: a.URL()},
		{UID: "u2", Name: "default/a.b", SubscriberURI: b.URL()},
		{UID: "u3", SubscriberURI: anon.URL()},
	}
	if err := c.SetChannel("default", "c", subs); err != nil {
		t.Fatal(err)
	}
	g := eventually(t)
	g.Expect(consumerNames(t, c, "default", "c")).To(ConsistOf("sub_default_a", "sub_default_a_b", "u3"))
	ingress := httptest.NewServer(c)
	defer ingress.Close()
	publishN(t, ingress.URL+"/default/c", "e", n)
	g.Eventually(a.delivered).Should(Equal(n))
	g.Eventually(b.delivered).Should(Equal(n))
	g.Eventually(anon.delivered).Should(Equal(n))

	dup := []Subscriber{{UID: "u1", Name: "default/a", SubscriberURI: a.URL()}, {UID: "u9", Name: "default/a", SubscriberURI: b.URL()}}
	g.Expect(c.SetChannel("default", "c", dup)).To(MatchError(ContainSubstring("map to one consumer name")))
	bad := []Subscriber{{UID: "u1", Name: "Default/a_b", SubscriberURI: a.URL()}}
	g.Expect(c.SetChannel("default", "c", bad)).To(MatchError(ContainSubstring("not a DNS label")))
}

// TestRemovedSubscriberLosesConsumer: a Subscription deleted (no longer
// listed) loses its named consumer at once, and a Subscription of the same
// name created later starts afresh, without the old one's events.
func TestRemovedSubscriberLosesConsumer(t *testing.T) {
	c := newChannels(t, Config{StoreDir: t.TempDir(), InProcess: true})
	var health gate
	s := newSink(t, health.failing)
	subs := []Subscriber{{UID: "u1", Name: "default/s", SubscriberURI: s.URL(), Delivery: retrying}}
	if err := c.SetChannel("default", "c", subs); err != nil {
		t.Fatal(err)
	}
	ingress := httptest.NewServer(c)
	defer ingress.Close()
	publishN(t, ingress.URL+"/default/c", "e", 5)
	g := eventually(t)
	g.Eventually(s.tried).Should(Equal(5))
	if err := c.SetChannel("default", "c", nil); err != nil {
		t.Fatal(err)
	}
	g.Expect(consumerNames(t, c, "default", "c")).To(BeEmpty())
	// Interest retention: with no consumer left, nothing is kept.
	g.Eventually(func() uint64 { return streamMsgs(t, c, "default", "c") }).Should(BeZero())
}

// TestPruneConsumers: consumers an earlier run left behind are deleted
// when their Subscription is gone, and kept while one claims them or
// while a subscriber set now uses them; consumers knsim did not create
// stay.
func TestPruneConsumers(t *testing.T) {
	dir := t.TempDir()
	s := newSink(t, nil)
	a, err := New(Config{StoreDir: dir, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	err = a.SetChannel("default", "c", []Subscriber{
		{UID: "u1", Name: "default/kept", SubscriberURI: s.URL()},
		{UID: "u2", Name: "default/claimed", SubscriberURI: s.URL()},
		{UID: "u3", Name: "default/gone", SubscriberURI: s.URL()},
		{UID: "u4", SubscriberURI: s.URL()},
	})
	if err != nil {
		t.Fatal(err)
	}
	foreign := jetstream.ConsumerConfig{Durable: "someone-elses", AckPolicy: jetstream.AckExplicitPolicy}
	if _, err := a.js.CreateOrUpdateConsumer(context.Background(), a.streamFor(Key{Namespace: "default", Name: "c"}), foreign); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	b := newChannels(t, Config{StoreDir: dir, InProcess: true})
	if err := b.SetChannel("default", "c", []Subscriber{{UID: "u5", Name: "default/kept", SubscriberURI: s.URL()}}); err != nil {
		t.Fatal(err)
	}
	g := NewWithT(t)
	deleted, err := b.PruneConsumers("default", "c", []string{"default/claimed"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(deleted).To(Equal([]string{"sub_default_gone", "u4"}))
	g.Expect(consumerNames(t, b, "default", "c")).To(ConsistOf("sub_default_kept", "sub_default_claimed", "someone-elses"))
	deleted, err = b.PruneConsumers("default", "absent", nil)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(deleted).To(BeEmpty())
}

// consumerNames lists the consumers on the channel's stream.
func consumerNames(t *testing.T, c *Channels, ns, name string) []string {
	t.Helper()
	s, err := c.js.Stream(context.Background(), c.streamFor(Key{Namespace: ns, Name: name}))
	if err != nil {
		t.Fatal(err)
	}
	l := s.ConsumerNames(context.Background())
	var out []string
	for n := range l.Name() {
		out = append(out, n)
	}
	if err := l.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
