package eventingtest_test

import (
	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func imcRef(name string) duck.KReference {
	return duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Namespace: "default", Name: name}
}

func subRef(name string) duck.KReference {
	return duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "Subscription", Namespace: "default", Name: name}
}

// The examples share namespace default (and some object names), so they run
// in order, each checked right after it is applied.
var _ = Describe("eventing examples, applied unchanged", Ordered, func() {
	It("broker-trigger: the Broker, its trigger channel, the Trigger and the PingSource become Ready", func(ctx SpecContext) {
		Expect(apply(ctx, "broker-trigger.yaml")).To(Succeed())

		b := readyBroker(ctx, "default", "default")
		Expect(b.Status.Address.URL).To(Equal(brokerURL("default", "default")))
		Expect(b.Annotations).To(HaveKeyWithValue("eventing.knative.dev/broker.class", "MTChannelBasedBroker"))
		ch := readyIMC(ctx, "default", "default-kne-trigger")
		Expect(metav1.GetControllerOf(ch).Kind).To(Equal("Broker"))
		Expect(ch.Status.Address.URL).To(Equal(channelURL("default", "default-kne-trigger")))

		t := readyTrigger(ctx, "default", "my-trigger")
		Expect(t.Status.SubscriberURI).To(Equal(svcURL("default", "event-display")))
		var subs messagingv1.SubscriptionList
		Expect(c.List(ctx, &subs, client.InNamespace("default"), client.MatchingLabels{"eventing.knative.dev/trigger": "my-trigger"})).To(Succeed())
		Expect(subs.Items).To(HaveLen(1))
		sub := readySubscription(ctx, "default", subs.Items[0].Name)
		Expect(sub.Name).To(MatchRegexp(`^default-my-trigger-[0-9a-f]{8}$`))
		Expect(metav1.GetControllerOf(sub).UID).To(Equal(t.UID))
		Expect(sub.Status.PhysicalSubscription.SubscriberURI).To(Equal(
			"http://broker-filter.knative-eventing.svc.cluster.local/triggers/default/my-trigger/" + string(t.UID)))
		Expect(sub.Status.PhysicalSubscription.ReplyURI).To(Equal(brokerURL("default", "default")))

		Expect(c.Get(ctx, client.ObjectKeyFromObject(ch), ch)).To(Succeed())
		Expect(ch.Spec.Subscribers).To(HaveLen(1))
		Expect(ch.Spec.Subscribers[0].UID).To(Equal(string(sub.UID)))

		ps := readyPingSource(ctx, "default", "ping")
		Expect(ps.Status.SinkURI).To(Equal(brokerURL("default", "default")))
		Expect(ps.Status.CloudEventAttributes).To(Equal([]duck.CloudEventAttributes{
			{Type: "dev.knative.sources.ping", Source: "/apis/v1/namespaces/default/pingsources/ping"}}))
	})

	It("channel-subscription: the channel lists the resolved subscriber with its delivery", func(ctx SpecContext) {
		Expect(apply(ctx, "channel-subscription.yaml")).To(Succeed())
		ch := readyIMC(ctx, "default", "my-channel")
		Expect(ch.Status.Address.URL).To(Equal(channelURL("default", "my-channel")))
		sub := readySubscription(ctx, "default", "test-subscription")
		Expect(sub.Finalizers).To(ContainElement("subscriptions.messaging.knative.dev"))
		Expect(sub.Status.PhysicalSubscription.SubscriberURI).To(Equal(svcURL("default", "event-display")))

		Expect(c.Get(ctx, client.ObjectKeyFromObject(ch), ch)).To(Succeed())
		want := []duck.SubscriberSpec{{
			UID: string(sub.UID), Generation: sub.Generation, SubscriberURI: svcURL("default", "event-display"),
			Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](3), BackoffPolicy: ptr.To(duck.BackoffPolicyExponential), BackoffDelay: ptr.To("PT0.5S")},
		}}
		Expect(cmp.Diff(want, ch.Spec.Subscribers)).To(BeEmpty())
		Expect(ch.Status.Subscribers).To(Equal([]duck.SubscriberStatus{{UID: string(sub.UID), ObservedGeneration: sub.Generation, Ready: "True"}}))
		Expect(readyPingSource(ctx, "default", "heartbeats").Status.SinkURI).To(Equal(channelURL("default", "my-channel")))
	})

	It("sequence: one channel and one Subscription per step, chained by replies", func(ctx SpecContext) {
		Expect(apply(ctx, "sequence.yaml")).To(Succeed())
		seq := readySequence(ctx, "default", "my-sequence")
		Expect(seq.Status.Address.URL).To(Equal(channelURL("default", "my-sequence-kn-sequence-0")))
		Expect(seq.Status.Channels).To(Equal([]duck.KReference{
			imcRef("my-sequence-kn-sequence-0"), imcRef("my-sequence-kn-sequence-1"), imcRef("my-sequence-kn-sequence-2")}))
		Expect(seq.Status.Subscriptions).To(Equal([]duck.KReference{
			subRef("my-sequence-kn-sequence-0"), subRef("my-sequence-kn-sequence-1"), subRef("my-sequence-kn-sequence-2")}))
		for i, step := range []string{"step-1", "step-2", "step-3"} {
			sub := readySubscription(ctx, "default", seq.Status.Subscriptions[i].Name)
			Expect(sub.Spec.Channel.Name).To(Equal(seq.Status.Channels[i].Name))
			Expect(sub.Status.PhysicalSubscription.SubscriberURI).To(Equal(svcURL("default", step)))
			if i < 2 {
				Expect(sub.Status.PhysicalSubscription.ReplyURI).To(Equal(channelURL("default", seq.Status.Channels[i+1].Name)))
			} else {
				Expect(sub.Status.PhysicalSubscription.ReplyURI).To(Equal(svcURL("default", "event-display")))
			}
		}
		Expect(readyPingSource(ctx, "default", "ping-source").Status.SinkURI).To(Equal(seq.Status.Address.URL))
	})

	It("parallel: an ingress channel, and per branch a channel, a filter and a subscriber Subscription", func(ctx SpecContext) {
		Expect(apply(ctx, "parallel.yaml")).To(Succeed())
		p := readyParallel(ctx, "default", "my-parallel")
		Expect(p.Status.Address.URL).To(Equal(channelURL("default", "my-parallel-kn-parallel")))
		Expect(p.Status.Channels).To(Equal([]duck.KReference{
			imcRef("my-parallel-kn-parallel"), imcRef("my-parallel-kn-parallel-0"), imcRef("my-parallel-kn-parallel-1")}))
		Expect(p.Status.Subscriptions).To(Equal([]duck.KReference{
			subRef("my-parallel-kn-parallel-filter-0"), subRef("my-parallel-kn-parallel-0"),
			subRef("my-parallel-kn-parallel-filter-1"), subRef("my-parallel-kn-parallel-1")}))
		for i := range 2 {
			filter := readySubscription(ctx, "default", p.Status.Subscriptions[2*i].Name)
			Expect(filter.Spec.Channel.Name).To(Equal("my-parallel-kn-parallel"))
			Expect(filter.Status.PhysicalSubscription.SubscriberURI).To(Equal(svcURL("default", []string{"filter-1", "filter-2"}[i])))
			Expect(filter.Status.PhysicalSubscription.ReplyURI).To(Equal(channelURL("default", p.Status.Channels[i+1].Name)))
			sub := readySubscription(ctx, "default", p.Status.Subscriptions[2*i+1].Name)
			Expect(sub.Status.PhysicalSubscription.SubscriberURI).To(Equal(svcURL("default", []string{"myservice-1", "myservice-2"}[i])))
			Expect(sub.Status.PhysicalSubscription.ReplyURI).To(BeEmpty())
		}
		Expect(readyPingSource(ctx, "default", "ping-source").Status.SinkURI).To(Equal(p.Status.Address.URL))
	})
})

var _ = Describe("ping-to-service, applied unchanged", func() {
	It("sends to the event-display Service in namespace event-test", func(ctx SpecContext) {
		// The manifest uses namespace event-test without creating it.
		createNamespace(ctx, "event-test")
		Expect(apply(ctx, "ping-to-service.yaml")).To(Succeed())
		ps := readyPingSource(ctx, "event-test", "test-heartbeats")
		Expect(ps.Status.SinkURI).To(Equal(svcURL("event-test", "event-display")))
		Expect(ps.Spec.ContentType).To(Equal("application/json"))
	})
})

var _ = Describe("danmaku, applied unchanged", func() {
	It("gets a Ready broker and two Ready triggers with exact filters", func(ctx SpecContext) {
		// The manifest uses namespace live without creating it.
		createNamespace(ctx, "live")
		Expect(apply(ctx, "danmaku.yaml")).To(Succeed())
		b := readyBroker(ctx, "live", "danmaku")
		Expect(b.Status.Address.URL).To(Equal(brokerURL("live", "danmaku")))
		readyIMC(ctx, "live", "danmaku-kne-trigger")
		for trigger, svc := range map[string]string{"process-comments": "danmaku-processor", "display-processed": "danmaku-display"} {
			t := readyTrigger(ctx, "live", trigger)
			Expect(t.Status.SubscriberURI).To(Equal(svcURL("live", svc)))
			Expect(t.Labels).To(HaveKeyWithValue("eventing.knative.dev/broker", "danmaku"))
		}
		ch := &messagingv1.InMemoryChannel{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "live", Name: "danmaku-kne-trigger"}, ch)).To(Succeed())
		Expect(ch.Spec.Subscribers).To(HaveLen(2))
	})
})
