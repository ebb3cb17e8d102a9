package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

func svc(name, ns string) *duck.KReference {
	return &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: name, Namespace: ns}
}

func TestBrokerDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   *Broker
		want *Broker
	}{{
		name: "class annotation defaults to MTChannelBasedBroker",
		in:   &Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "default"}},
		want: &Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "default",
			Annotations: map[string]string{"eventing.knative.dev/broker.class": "MTChannelBasedBroker"}}},
	}, {
		name: "explicit class is kept; dead letter sink gets the namespace",
		in: &Broker{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"eventing.knative.dev/broker.class": "Kafka"}},
			Spec:       BrokerSpec{Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{Ref: svc("dls", "")}}},
		},
		want: &Broker{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"eventing.knative.dev/broker.class": "Kafka"}},
			Spec:       BrokerSpec{Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{Ref: svc("dls", "ns")}}},
		},
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

func TestTriggerDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   *Trigger
		want *Trigger
	}{{
		name: "broker label and subscriber namespace",
		in: &Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec: TriggerSpec{Broker: "default", Subscriber: duck.Destination{Ref: svc("s", "")}}},
		want: &Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Labels: map[string]string{"eventing.knative.dev/broker": "default"}},
			Spec: TriggerSpec{Broker: "default", Subscriber: duck.Destination{Ref: svc("s", "ns")}}},
	}, {
		name: "no broker stays empty for validation to refuse",
		in:   &Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: TriggerSpec{Subscriber: duck.Destination{URI: "http://x"}}},
		want: &Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: TriggerSpec{Subscriber: duck.Destination{URI: "http://x"}}},
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
