package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func TestMakeSubscription(t *testing.T) {
	trig := &eventingv1.Trigger{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "my-trigger", UID: "1234-abcd"},
		Spec:       eventingv1.TriggerSpec{Broker: "default"},
	}
	brokerDelivery := &duck.DeliverySpec{Retry: ptr.To[int32](10)}
	b := &eventingv1.Broker{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "default"},
		Spec:       eventingv1.BrokerSpec{Delivery: brokerDelivery},
		Status: eventingv1.BrokerStatus{Status: duck.Status{Annotations: map[string]string{
			"knative.dev/channelAPIVersion": "messaging.knative.dev/v1",
			"knative.dev/channelKind":       "InMemoryChannel",
			"knative.dev/channelName":       "default-kne-trigger",
		}}},
	}
	ch, ok := ChannelRef(b)
	if !ok {
		t.Fatal("ChannelRef: not published")
	}
	name := SubscriptionName(trig)
	if name != "default-my-trigger-9db9df3c" {
		// The hash is part of the name's contract: it must not drift.
		t.Errorf("SubscriptionName = %q", name)
	}
	want := &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "default", Name: name,
			Labels: map[string]string{"eventing.knative.dev/broker": "default", "eventing.knative.dev/trigger": "my-trigger"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "eventing.knative.dev/v1", Kind: "Trigger", Name: "my-trigger",
				UID: "1234-abcd", Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
		},
		Spec: messagingv1.SubscriptionSpec{
			Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "default-kne-trigger"},
			Subscriber: &duck.Destination{URI: "http://broker-filter.knative-eventing.svc.cluster.local/triggers/default/my-trigger/1234-abcd"},
			Reply:      &duck.Destination{URI: "http://broker-ingress.knative-eventing.svc.cluster.local/default/default"},
			Delivery:   &duck.DeliverySpec{Retry: ptr.To[int32](10)},
		},
	}
	if diff := cmp.Diff(want, MakeSubscription(trig, b, ch)); diff != "" {
		t.Errorf("MakeSubscription (-want +got):\n%s", diff)
	}

	// A Trigger's own delivery replaces the Broker's entirely.
	trig.Spec.Delivery = &duck.DeliverySpec{BackoffDelay: ptr.To("PT1S")}
	if diff := cmp.Diff(trig.Spec.Delivery, MakeSubscription(trig, b, ch).Spec.Delivery); diff != "" {
		t.Errorf("trigger delivery (-want +got):\n%s", diff)
	}
	if _, ok := ChannelRef(&eventingv1.Broker{}); ok {
		t.Error("a Broker without annotations published a channel")
	}
}
