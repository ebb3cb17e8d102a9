package eventingtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/shell/eventingshell"
)

// flakySink records the CloudEvent ids it accepts; while down it answers
// 503 to everything.
type flakySink struct {
	down atomic.Bool
	mu   sync.Mutex
	seen map[string]int // ce-id -> 2xx answers
}

func (s *flakySink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if s.down.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	s.mu.Lock()
	s.seen[r.Header.Get("Ce-Id")]++
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (s *flakySink) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for id := range s.seen {
		out = append(out, id)
	}
	return out
}

func readyJSC(ctx SpecContext, ns, name string) *messagingv1alpha1.NatsJetStreamChannel {
	return ready(ctx, ns, name, &messagingv1alpha1.NatsJetStreamChannel{},
		func(o *messagingv1alpha1.NatsJetStreamChannel) *duck.Status { return &o.Status.Status })
}

// NatsJetStreamChannel, the Knative kind of the durable channel class, on
// the envtest control plane and the real-mode data plane.
var _ = Describe("a NatsJetStreamChannel", Ordered, func() {
	const ns = "jetstream"
	var (
		sink  *flakySink
		srv   *httptest.Server
		store string
	)
	BeforeAll(func(ctx SpecContext) {
		sink = &flakySink{seen: map[string]int{}}
		srv = httptest.NewServer(sink)
		DeferCleanup(srv.Close)
		store = GinkgoT().TempDir()
		createNamespace(ctx, ns)
		Expect(applyYAML(ctx, fmt.Sprintf(`
apiVersion: messaging.knative.dev/v1alpha1
kind: NatsJetStreamChannel
metadata: {name: orders, namespace: %[1]s}
spec:
  stream:
    config: {retention: Interest, maxAge: 1h, storage: File}
  consumerConfigTemplate: {deliverPolicy: New, ackWait: 30s, maxAckPending: 64}
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: orders, namespace: %[1]s}
spec:
  channel: {apiVersion: messaging.knative.dev/v1alpha1, kind: NatsJetStreamChannel, name: orders}
  subscriber: {uri: %[2]q}
  delivery: {retry: 20, backoffPolicy: linear, backoffDelay: PT0.2S}
---
apiVersion: messaging.knative.dev/v1
kind: Channel
metadata: {name: backed, namespace: %[1]s}
spec:
  channelTemplate: {apiVersion: messaging.knative.dev/v1alpha1, kind: NatsJetStreamChannel}
`, ns, srv.URL+"/"))).To(Succeed())
	})

	It("becomes Ready with an address and its subscriber", func(ctx SpecContext) {
		sub := readySubscription(ctx, ns, "orders")
		ch := readyJSC(ctx, ns, "orders")
		Expect(ch.Status.Address.URL).To(Equal(channelURL(ns, "orders")))
		Expect(ch.Status.Subscribers).To(Equal([]duck.SubscriberStatus{{UID: string(sub.UID), ObservedGeneration: sub.Generation, Ready: "True"}}))
	})

	It("backs a Channel whose template names it", func(ctx SpecContext) {
		ch := readyChannel(ctx, ns, "backed")
		Expect(ch.Status.Channel).To(Equal(&duck.KReference{APIVersion: "messaging.knative.dev/v1alpha1",
			Kind: "NatsJetStreamChannel", Namespace: ns, Name: "backed"}))
		Expect(ch.Status.Address.URL).To(Equal(channelURL(ns, "backed")))
		backing := readyJSC(ctx, ns, "backed")
		Expect(metav1.GetControllerOf(backing).Kind).To(Equal("Channel"))
	})

	It("is refused by the webhook with settings knsim cannot honour", func(ctx SpecContext) {
		err := applyYAML(ctx, fmt.Sprintf(`
apiVersion: messaging.knative.dev/v1alpha1
kind: NatsJetStreamChannel
metadata: {name: mirrored, namespace: %s}
spec:
  stream: {config: {mirror: {name: other}}}
`, ns))
		Expect(err).To(MatchError(ContainSubstring("not supported by knsim")))
		Expect(err).To(MatchError(ContainSubstring("spec.stream.config.mirror")))
	})

	It("gives a Broker whose channel configuration names it a NatsJetStreamChannel trigger channel", func(ctx SpecContext) {
		Expect(applyYAML(ctx, fmt.Sprintf(`
apiVersion: v1
kind: ConfigMap
metadata: {name: jetstream-channel, namespace: %[1]s}
data:
  channel-template-spec: |
    apiVersion: messaging.knative.dev/v1alpha1
    kind: NatsJetStreamChannel
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: durable, namespace: %[1]s}
spec:
  config: {apiVersion: v1, kind: ConfigMap, name: jetstream-channel}
`, ns))).To(Succeed())
		b := readyBroker(ctx, ns, "durable")
		Expect(b.Status.Annotations).To(HaveKeyWithValue("knative.dev/channelKind", "NatsJetStreamChannel"))
		readyJSC(ctx, ns, "durable-kne-trigger")
	})

	start := func(ctx SpecContext) *eventingshell.Shell {
		p, err := eventingshell.Start(ctx, eventingshell.Config{Client: c,
			JetStream: jetstream.Config{StoreDir: store, InProcess: true}})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func(g Gomega) {
			g.Expect(p.Sync(ctx)).To(Succeed())
			g.Expect(p.DurableChannels()).To(ContainElement(channel.Key{Namespace: ns, Name: "orders"}))
		}).WithContext(ctx).Should(Succeed())
		return p
	}
	send := func(p *eventingshell.Shell, id string) int {
		req, err := http.NewRequest(http.MethodPost, p.ChannelURL()+"/", strings.NewReader(`{"n":1}`))
		Expect(err).NotTo(HaveOccurred())
		req.Host = "orders-kn-channel." + ns + ".svc.cluster.local"
		for k, v := range map[string]string{"Ce-Specversion": "1.0", "Ce-Id": id, "Ce-Type": "com.example.order",
			"Ce-Source": "/orders", "Content-Type": "application/json"} {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		return resp.StatusCode
	}

	It("delivers an event posted in real mode to its subscriber", func(ctx SpecContext) {
		p := start(ctx)
		defer func() { Expect(p.Close()).To(Succeed()) }()
		Expect(send(p, "first")).To(Equal(http.StatusAccepted))
		Eventually(sink.ids).Should(ContainElement("first"))
	})

	It("delivers after a dispatcher restart what it accepted before (no loss)", func(ctx SpecContext) {
		p := start(ctx)
		sink.down.Store(true)
		var want []string
		for i := range 10 {
			id := fmt.Sprintf("kept-%d", i)
			Expect(send(p, id)).To(Equal(http.StatusAccepted))
			want = append(want, id)
		}
		Expect(p.Close()).To(Succeed())
		sink.down.Store(false)
		Consistently(sink.ids, "200ms").ShouldNot(ContainElements(want), "nothing delivers while the dispatcher is stopped")

		p = start(ctx)
		defer func() { Expect(p.Close()).To(Succeed()) }()
		Eventually(sink.ids).Should(ContainElements(want))
		Expect(p.Durable().Counters().Snapshot().Delivery.Lost).To(BeZero())
	})

	It("refuses a second instance on the same store folder with a clear error", func(ctx SpecContext) {
		p := start(ctx)
		defer func() { Expect(p.Close()).To(Succeed()) }()
		_, err := eventingshell.Start(ctx, eventingshell.Config{Client: c, JetStream: jetstream.Config{StoreDir: store, InProcess: true}})
		Expect(err).To(MatchError(jetstream.ErrStoreLocked))
		Expect(err.Error()).To(And(ContainSubstring(store), ContainSubstring("--jetstream-store DIR")))
	})

	AfterAll(func(ctx SpecContext) {
		Expect(c.DeleteAllOf(ctx, &messagingv1alpha1.NatsJetStreamChannel{}, client.InNamespace(ns))).To(Succeed())
	})
})
