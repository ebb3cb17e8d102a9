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

func TestBroker(t *testing.T) {
	b := &eventingv1.Broker{
		ObjectMeta: metav1.ObjectMeta{Namespace: "live", Name: "danmaku", UID: "b1"},
		Spec:       eventingv1.BrokerSpec{Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](5)}},
	}
	if got, want := Address(b), "http://broker-ingress.knative-eventing.svc.cluster.local/live/danmaku"; got != want {
		t.Errorf("Address = %q, want %q", got, want)
	}
	want := &messagingv1.InMemoryChannel{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "live", Name: "danmaku-kne-trigger",
			Labels: map[string]string{"eventing.knative.dev/broker": "danmaku", "eventing.knative.dev/brokerEverything": "true"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "danmaku", UID: "b1",
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
		},
		Spec: messagingv1.ChannelableSpec{Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](5)}},
	}
	if diff := cmp.Diff(want, MakeTriggerChannel(b)); diff != "" {
		t.Errorf("MakeTriggerChannel (-want +got):\n%s", diff)
	}
	wantAnn := map[string]string{
		"knative.dev/channelAPIVersion": "messaging.knative.dev/v1",
		"knative.dev/channelKind":       "InMemoryChannel",
		"knative.dev/channelName":       "danmaku-kne-trigger",
		"knative.dev/channelAddress":    "http://danmaku-kne-trigger-kn-channel.live.svc.cluster.local",
	}
	if diff := cmp.Diff(wantAnn, ChannelAnnotations(want, "http://danmaku-kne-trigger-kn-channel.live.svc.cluster.local")); diff != "" {
		t.Errorf("ChannelAnnotations (-want +got):\n%s", diff)
	}
}
