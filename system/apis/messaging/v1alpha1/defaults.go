package v1alpha1

import (
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// SetDefaults defaults the namespace of the dead letter sink, as for the
// InMemoryChannel. Unlike eventing-natss it adds no
// messaging.knative.dev/subscribable annotation: the controllers that
// create channels own their annotations and would remove it again.
func (c *NatsJetStreamChannel) SetDefaults() {
	messagingv1.DefaultDelivery(c.Spec.Delivery, c.Namespace)
}
