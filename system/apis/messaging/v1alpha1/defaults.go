package v1alpha1

import (
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// SubscribableDuckVersionAnnotation names the subscribable duck version a
// channel implements, as Knative's channels record it.
const SubscribableDuckVersionAnnotation = "messaging.knative.dev/subscribable"

// SetDefaults records the subscribable duck version (v1) and defaults the
// namespace of the dead letter sink, as eventing-natss and the
// InMemoryChannel do.
func (c *NatsJetStreamChannel) SetDefaults() {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	if _, ok := c.Annotations[SubscribableDuckVersionAnnotation]; !ok {
		c.Annotations[SubscribableDuckVersionAnnotation] = "v1"
	}
	messagingv1.DefaultDelivery(c.Spec.Delivery, c.Namespace)
}
