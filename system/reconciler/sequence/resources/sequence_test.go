package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func svc(name string) duck.Destination {
	return duck.Destination{Ref: &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: name, Namespace: "default"}}
}

func imc(name string) *duck.Destination {
	return &duck.Destination{Ref: &duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: name, Namespace: "default"}}
}

func TestMakeSubscription(t *testing.T) {
	display := svc("event-display")
	seq := &flowsv1.Sequence{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "my-sequence", UID: "s1"},
		Spec: flowsv1.SequenceSpec{
			Steps: []flowsv1.SequenceStep{{Destination: svc("step-1")}, {Destination: svc("step-2"),
				Delivery: &duck.DeliverySpec{Retry: ptr.To[int32](2)}}},
			Reply: &display,
		},
	}
	owner := []metav1.OwnerReference{{APIVersion: "flows.knative.dev/v1", Kind: "Sequence", Name: "my-sequence", UID: "s1",
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
	step1, step2 := svc("step-1"), svc("step-2")
	tests := []struct {
		i    int
		want *messagingv1.Subscription
	}{{
		i: 0,
		want: &messagingv1.Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "my-sequence-kn-sequence-0",
				Labels: map[string]string{"flows.knative.dev/sequence": "my-sequence"}, OwnerReferences: owner},
			Spec: messagingv1.SubscriptionSpec{
				Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "my-sequence-kn-sequence-0"},
				Subscriber: &step1,
				Reply:      imc("my-sequence-kn-sequence-1"),
			},
		},
	}, {
		i: 1,
		want: &messagingv1.Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "my-sequence-kn-sequence-1",
				Labels: map[string]string{"flows.knative.dev/sequence": "my-sequence"}, OwnerReferences: owner},
			Spec: messagingv1.SubscriptionSpec{
				Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "my-sequence-kn-sequence-1"},
				Subscriber: &step2,
				Reply:      &display,
				Delivery:   &duck.DeliverySpec{Retry: ptr.To[int32](2)},
			},
		},
	}}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, MakeSubscription(seq, tc.i)); diff != "" {
			t.Errorf("MakeSubscription(%d) (-want +got):\n%s", tc.i, diff)
		}
	}
	seq.Spec.Reply = nil
	if got := MakeSubscription(seq, 1).Spec.Reply; got != nil {
		t.Errorf("last step without spec.reply replies to %+v", got)
	}
	ch, err := MakeChannel(seq, 1)
	if err != nil {
		t.Fatal(err)
	}
	if ch.GetKind() != "InMemoryChannel" || ch.GetName() != "my-sequence-kn-sequence-1" || ch.GetNamespace() != "default" {
		t.Errorf("MakeChannel = %s %s/%s", ch.GetKind(), ch.GetNamespace(), ch.GetName())
	}
}
