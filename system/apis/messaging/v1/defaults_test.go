package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

func svcRef(name string) *duck.KReference {
	return &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: name}
}

func inNS(r *duck.KReference, ns string) *duck.KReference {
	r.Namespace = ns
	return r
}

func TestChannelDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   *Channel
		want *Channel
	}{{
		name: "no template gets InMemoryChannel",
		in:   &Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}},
		want: &Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: ChannelSpec{
			ChannelTemplate: &ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}},
		}},
	}, {
		name: "explicit template and dead letter sink namespace",
		in: &Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: ChannelSpec{
			ChannelTemplate: &ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "KafkaChannel"}},
			ChannelableSpec: ChannelableSpec{Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{Ref: svcRef("dls")}}},
		}},
		want: &Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: ChannelSpec{
			ChannelTemplate: &ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "KafkaChannel"}},
			ChannelableSpec: ChannelableSpec{Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{Ref: inNS(svcRef("dls"), "ns")}}},
		}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.SetDefaults()
			if diff := cmp.Diff(tc.want, tc.in); diff != "" {
				t.Errorf("SetDefaults (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubscriptionDefaults(t *testing.T) {
	in := &Subscription{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: SubscriptionSpec{
		Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "ch"},
		Subscriber: &duck.Destination{Ref: svcRef("sub")},
		Reply:      &duck.Destination{Ref: inNS(svcRef("reply"), "elsewhere")},
		Delivery:   &duck.DeliverySpec{DeadLetterSink: &duck.Destination{URI: "http://dls.example.com"}},
	}}
	want := in.DeepCopy()
	want.Spec.Subscriber.Ref.Namespace = "ns"
	in.SetDefaults()
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("SetDefaults (-want +got):\n%s", diff)
	}
}
