package v1

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/apis/fielderr"
)

func errString(fe *fielderr.FieldError) string {
	if err := fe.Err(); err != nil {
		return err.Error()
	}
	return ""
}

func TestTriggerValidation(t *testing.T) {
	sub := duck.Destination{Ref: svc("s", "ns")}
	tests := []struct {
		name string
		spec TriggerSpec
		want string
	}{{
		name: "valid",
		spec: TriggerSpec{Broker: "default", Subscriber: sub},
	}, {
		name: "no broker",
		spec: TriggerSpec{Subscriber: sub},
		want: "missing field(s): spec.broker",
	}, {
		name: "no subscriber",
		spec: TriggerSpec{Broker: "default"},
		want: "expected at least one, got none: spec.subscriber.ref, spec.subscriber.uri",
	}, {
		name: "dead letter sink with absolute URI and ref",
		spec: TriggerSpec{Broker: "default", Subscriber: sub, Delivery: &duck.DeliverySpec{
			DeadLetterSink: &duck.Destination{Ref: svc("d", "ns"), URI: "http://x"}}},
		want: "Absolute URI is not allowed when Ref or [apiVersion, kind, name] exists: spec.delivery.deadLetterSink.ref, spec.delivery.deadLetterSink.uri",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := &Trigger{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, errString(tr.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTriggerBrokerIsImmutable(t *testing.T) {
	old := &Trigger{Spec: TriggerSpec{Broker: "a", Subscriber: duck.Destination{URI: "http://x"}}}
	moved := old.DeepCopy()
	moved.Spec.Broker = "b"
	got := errString(moved.ValidateUpdate(old))
	if !strings.HasPrefix(got, "Immutable fields changed (-old +new): spec.broker") {
		t.Errorf("ValidateUpdate = %q", got)
	}
	same := old.DeepCopy()
	same.Spec.Subscriber.URI = "http://y"
	if fe := same.ValidateUpdate(old); fe != nil {
		t.Errorf("changing the subscriber: %v", fe)
	}
}

func TestBrokerValidation(t *testing.T) {
	withClass := func(c string) *Broker {
		return &Broker{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{BrokerClassAnnotationKey: c}}}
	}
	if fe := withClass(DefaultBrokerClass).Validate(); fe != nil {
		t.Errorf("valid broker: %v", fe)
	}
	bad := withClass(DefaultBrokerClass)
	bad.Spec.Config = &duck.KReference{Name: "cfg"}
	if diff := cmp.Diff("missing field(s): spec.config.apiVersion, spec.config.kind", errString(bad.Validate())); diff != "" {
		t.Errorf("config without kind (-want +got):\n%s", diff)
	}
	if got := errString(withClass("Kafka").ValidateUpdate(withClass(DefaultBrokerClass))); !strings.HasPrefix(got,
		"Immutable fields changed (-old +new): metadata.annotations.eventing.knative.dev/broker.class") {
		t.Errorf("class change: %q", got)
	}
}
