package eventingtest_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

var _ = Describe("a Channel with a Subscription", Ordered, func() {
	It("is backed by an InMemoryChannel that gets the Channel's subscribers", func(ctx SpecContext) {
		createNamespace(ctx, "channels")
		Expect(applyYAML(ctx, `
apiVersion: messaging.knative.dev/v1
kind: Channel
metadata: {name: orders, namespace: channels}
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: audit, namespace: channels}
spec:
  channel: {apiVersion: messaging.knative.dev/v1, kind: Channel, name: orders}
  subscriber: {uri: "http://audit.example.com/in"}
  reply: {uri: "http://replies.example.com"}
`)).To(Succeed())
		ch := readyChannel(ctx, "channels", "orders")
		Expect(ch.Spec.ChannelTemplate.Kind).To(Equal("InMemoryChannel"), "defaulted by the webhook")
		Expect(ch.Status.Channel).To(Equal(&duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel",
			Namespace: "channels", Name: "orders"}))
		Expect(ch.Status.Address.URL).To(Equal(channelURL("channels", "orders")))

		sub := readySubscription(ctx, "channels", "audit")
		Expect(sub.Status.PhysicalSubscription).To(Equal(messagingv1.PhysicalSubscription{
			SubscriberURI: "http://audit.example.com/in", ReplyURI: "http://replies.example.com"}))
		backing := readyIMC(ctx, "channels", "orders")
		Expect(metav1.GetControllerOf(backing).Kind).To(Equal("Channel"))
		Expect(backing.Spec.Subscribers).To(Equal([]duck.SubscriberSpec{{UID: string(sub.UID), Generation: sub.Generation,
			SubscriberURI: "http://audit.example.com/in", ReplyURI: "http://replies.example.com"}}))
	})

	It("takes a deleted Subscription off the channel", func(ctx SpecContext) {
		sub := &messagingv1.Subscription{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "channels", Name: "audit"}, sub)).To(Succeed())
		Expect(c.Delete(ctx, sub)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(sub), sub))).To(BeTrue(), "the finalizer is released")
			ch := &messagingv1.Channel{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "channels", Name: "orders"}, ch)).To(Succeed())
			g.Expect(ch.Spec.Subscribers).To(BeEmpty())
			backing := &messagingv1.InMemoryChannel{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "channels", Name: "orders"}, backing)).To(Succeed())
			g.Expect(backing.Spec.Subscribers).To(BeEmpty())
			g.Expect(backing.Status.Subscribers).To(BeEmpty())
		}).WithContext(ctx).Should(Succeed())
	})

	It("refuses to change the Channel's template", func(ctx SpecContext) {
		err := applyYAML(ctx, `
apiVersion: messaging.knative.dev/v1
kind: Channel
metadata: {name: orders, namespace: channels}
spec:
  channelTemplate: {apiVersion: messaging.knative.dev/v1beta1, kind: KafkaChannel}
`)
		Expect(err).To(MatchError(ContainSubstring("Immutable fields changed (-old +new): spec.channelTemplate")))
	})
})
