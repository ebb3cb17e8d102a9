package world_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/world"
	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/eventing/wire"
	"github.com/knsim/knsim/system/network"
	"github.com/knsim/knsim/system/shell/eventingshell"
)

// The restart of issue 16, finding 1, as knsim up --state-dir runs it: a
// durable channel's subscriber is down while 200 events are accepted, the
// whole stack stops, and a new one starts on the same state folder
// without applying anything again. Every object is there with its UID and
// all 200 events reach the subscriber.
var _ = Describe("Durable channel across a restart on a state folder (wall clock, envtest)", Ordered, func() {
	var (
		state string
		w     *world.World
		p     *eventingshell.Shell
		sink  *countingSink
	)
	start := func() {
		var err error
		w, err = world.Start(context.Background(), world.Config{Cluster: cluster.Config{Nodes: 1}, StateDir: state})
		Expect(err).NotTo(HaveOccurred())
		p, err = eventingshell.Start(context.Background(), eventingshell.Config{
			Client: w.Client, PruneConsumers: true,
			JetStream: jetstream.Config{StoreDir: filepath.Join(state, "jetstream"), InProcess: true, DrainTimeout: 200 * time.Millisecond},
			OnError:   func(err error) { GinkgoWriter.Println("eventingshell sync:", err) },
		})
		Expect(err).NotTo(HaveOccurred())
	}
	stop := func() {
		Expect(p.Close()).To(Succeed())
		Expect(w.Stop()).To(Succeed())
	}

	BeforeAll(func() {
		state = filepath.Join(GinkgoT().TempDir(), "state")
		sink = newCountingSink()
		DeferCleanup(sink.srv.Close)
	})

	It("delivers the 200 events stored before the restart", func(ctx SpecContext) {
		start()
		retry := int32(1000)
		linear := duck.BackoffPolicyLinear
		delay := "PT0.05S"
		ch := &messagingv1alpha1.NatsJetStreamChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "orders"}}
		sub := &messagingv1.Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "orders-sub"},
			Spec: messagingv1.SubscriptionSpec{
				Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1alpha1", Kind: "NatsJetStreamChannel", Name: "orders"},
				Subscriber: &duck.Destination{URI: sink.srv.URL},
				Delivery:   &duck.DeliverySpec{Retry: &retry, BackoffPolicy: &linear, BackoffDelay: &delay},
			},
		}
		Expect(w.Client.Create(ctx, ch)).To(Succeed())
		Expect(w.Client.Create(ctx, sub)).To(Succeed())
		Eventually(func() ([]string, error) { return p.Durable().ConsumerNames("default", "orders") }).
			WithTimeout(60 * time.Second).WithPolling(50 * time.Millisecond).Should(Equal([]string{"sub_default_orders-sub"}))
		for i := range 200 {
			Expect(publishTo(ctx, p, "e"+strconv.Itoa(i))).To(Equal(http.StatusAccepted))
		}
		stop()
		Expect(sink.delivered()).To(BeZero())

		sink.up.Store(true)
		start()
		DeferCleanup(stop)
		var ch2 messagingv1alpha1.NatsJetStreamChannel
		var sub2 messagingv1.Subscription
		Expect(w.Client.Get(ctx, client.ObjectKeyFromObject(ch), &ch2)).To(Succeed())
		Expect(w.Client.Get(ctx, client.ObjectKeyFromObject(sub), &sub2)).To(Succeed())
		Expect(ch2.UID).To(Equal(ch.UID))
		Expect(sub2.UID).To(Equal(sub.UID))
		Eventually(sink.delivered).WithTimeout(60 * time.Second).WithPolling(50 * time.Millisecond).Should(Equal(200))
	}, SpecTimeout(4*time.Minute))
})

// countingSink counts the distinct events it answered 200; down, it
// answers 503.
type countingSink struct {
	srv  *httptest.Server
	up   atomic.Bool
	mu   sync.Mutex
	seen map[string]bool
}

func newCountingSink() *countingSink {
	s := &countingSink{seen: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		s.mu.Lock()
		s.seen[r.Header.Get("Ce-Id")] = true
		s.mu.Unlock()
	}))
	return s
}

func (s *countingSink) delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// publishTo posts one event to default/orders through the channel
// ingress and returns the status.
func publishTo(ctx context.Context, p *eventingshell.Shell, id string) (int, error) {
	ev := cloudevents.NewEvent()
	ev.SetID(id)
	ev.SetType("dev.knsim.test")
	ev.SetSource("/test")
	req, err := wire.NewRequest(ctx, p.ChannelURL(), &ev)
	if err != nil {
		return 0, err
	}
	req.Host = network.ChannelHost("orders", "default")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
