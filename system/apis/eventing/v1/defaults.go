package v1

import (
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// DefaultBrokerClass is the class Knative's config-br-defaults gives a
// Broker that names none.
const DefaultBrokerClass = "MTChannelBasedBroker"

// BrokerLabelKey labels a Trigger with its Broker's name, as Knative does.
const BrokerLabelKey = "eventing.knative.dev/broker"

// SetDefaults sets the broker class annotation and defaults the delivery.
func (b *Broker) SetDefaults() {
	if b.Annotations[BrokerClassAnnotationKey] == "" {
		if b.Annotations == nil {
			b.Annotations = map[string]string{}
		}
		b.Annotations[BrokerClassAnnotationKey] = DefaultBrokerClass
	}
	if b.Spec.Config != nil && b.Spec.Config.Namespace == "" {
		b.Spec.Config.Namespace = b.Namespace
	}
	messagingv1.DefaultDelivery(b.Spec.Delivery, b.Namespace)
}

// SetDefaults labels the Trigger with its broker and defaults the
// namespaces of its subscriber and dead letter sink. The broker itself has
// no default: Knative requires it.
func (t *Trigger) SetDefaults() {
	if t.Spec.Broker != "" {
		if t.Labels == nil {
			t.Labels = map[string]string{}
		}
		t.Labels[BrokerLabelKey] = t.Spec.Broker
	}
	messagingv1.DefaultDestination(&t.Spec.Subscriber, t.Namespace)
	messagingv1.DefaultDelivery(t.Spec.Delivery, t.Namespace)
}
