package eventingshell

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/eventing/wire"
	"github.com/knsim/knsim/system/network"
	"github.com/knsim/knsim/system/stack"
)

// subscriberSink counts the distinct events it answered 2xx; down, it
// answers 503.
type subscriberSink struct {
	srv  *httptest.Server
	up   atomic.Bool
	mu   sync.Mutex
	seen map[string]bool
}

func newSubscriberSink(t *testing.T) *subscriberSink {
	s := &subscriberSink{seen: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		s.mu.Lock()
		s.seen[r.Header.Get("Ce-Id")] = true
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriberSink) delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// durableObjects are a NatsJetStreamChannel default/orders, as its
// controller leaves it, and the Subscriptions (name -> UID) on it.
func durableObjects(sinkURL string, subs map[string]string) []client.Object {
	retry := int32(1000)
	linear := duck.BackoffPolicyLinear
	delay := "PT0.01S"
	ch := &messagingv1alpha1.NatsJetStreamChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "orders"}}
	ch.Status.Address.URL = "http://" + network.ChannelHost("orders", "default")
	objs := []client.Object{ch}
	for name, uid := range subs {
		ch.Spec.Subscribers = append(ch.Spec.Subscribers, duck.SubscriberSpec{UID: uid, SubscriberURI: sinkURL,
			Delivery: &duck.DeliverySpec{Retry: &retry, BackoffPolicy: &linear, BackoffDelay: &delay}})
		objs = append(objs, &messagingv1.Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, UID: types.UID(uid)},
			Spec:       messagingv1.SubscriptionSpec{Channel: duck.KReference{APIVersion: "messaging.knative.dev/v1alpha1", Kind: "NatsJetStreamChannel", Name: "orders"}},
		})
	}
	return objs
}

func startShell(t *testing.T, store string, prune bool, objs []client.Object) *Shell {
	t.Helper()
	c := fake.NewClientBuilder().WithScheme(stack.Scheme()).WithObjects(objs...).Build()
	p, err := Start(context.Background(), Config{Client: c, PruneConsumers: prune,
		JetStream: jetstream.Config{StoreDir: store, InProcess: true, DrainTimeout: 200 * time.Millisecond},
		OnError:   func(err error) { t.Errorf("sync: %v", err) }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// publish posts n events to default/orders through the channel ingress.
func publish(t *testing.T, p *Shell, prefix string, n int) {
	t.Helper()
	for i := range n {
		ev := cloudevents.NewEvent()
		ev.SetID(prefix + strconv.Itoa(i))
		ev.SetType("dev.knsim.test")
		ev.SetSource("/test")
		req, err := wire.NewRequest(context.Background(), p.ChannelURL(), &ev)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = network.ChannelHost("orders", "default")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("publish %d: status %d, want 202", i, resp.StatusCode)
		}
	}
}

// TestDurableChannelAfterFreshControlPlane is the restart of knsim up
// without --state-dir: 200 events are stored for a subscriber that is
// down, the shell stops, and a new one on the same JetStream store reads
// a new control plane where the same manifests were applied again, so
// the Subscription has a new UID. Its consumer, named after the
// Subscription, is resumed and all 200 events are delivered.
func TestDurableChannelAfterFreshControlPlane(t *testing.T) {
	const n = 200
	store := t.TempDir()
	sink := newSubscriberSink(t)
	g := NewWithT(t)
	g.SetDefaultEventuallyTimeout(30 * time.Second)
	g.SetDefaultEventuallyPollingInterval(10 * time.Millisecond)

	a := startShell(t, store, false, durableObjects(sink.srv.URL, map[string]string{"orders-sub": "uid-first-control-plane"}))
	publish(t, a, "e", n)
	g.Expect(a.Close()).To(Succeed())
	g.Expect(sink.delivered()).To(BeZero())

	sink.up.Store(true)
	b := startShell(t, store, false, durableObjects(sink.srv.URL, map[string]string{"orders-sub": "uid-second-control-plane"}))
	defer func() { g.Expect(b.Close()).To(Succeed()) }()
	g.Eventually(sink.delivered).Should(Equal(n))
	g.Expect(b.Durable().ConsumerNames("default", "orders")).To(Equal([]string{"sub_default_orders-sub"}))
}

// TestPruneConsumersWithKeptControlPlane: a Subscription deleted while
// knsim was stopped leaves a consumer behind. With a kept control plane
// (PruneConsumers) the shell deletes it at its first sync; without one it
// stays, waiting for the Subscription to be applied again.
func TestPruneConsumersWithKeptControlPlane(t *testing.T) {
	store := t.TempDir()
	sink := newSubscriberSink(t)
	sink.up.Store(true)
	g := NewWithT(t)
	both := map[string]string{"keep": "u1", "deleted": "u2"}
	a := startShell(t, store, true, durableObjects(sink.srv.URL, both))
	g.Expect(a.Durable().ConsumerNames("default", "orders")).To(Equal([]string{"sub_default_deleted", "sub_default_keep"}))
	g.Expect(a.Close()).To(Succeed())

	one := map[string]string{"keep": "u1"}
	b := startShell(t, store, false, durableObjects(sink.srv.URL, one))
	g.Expect(b.Durable().ConsumerNames("default", "orders")).To(Equal([]string{"sub_default_deleted", "sub_default_keep"}))
	g.Expect(b.Close()).To(Succeed())

	c := startShell(t, store, true, durableObjects(sink.srv.URL, one))
	defer func() { g.Expect(c.Close()).To(Succeed()) }()
	g.Expect(c.Durable().ConsumerNames("default", "orders")).To(Equal([]string{"sub_default_keep"}))
}
