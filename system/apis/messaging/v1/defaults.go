package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// InMemoryChannelKind is the default channel kind, as in Knative's
// default-ch-webhook configuration.
const InMemoryChannelKind = "InMemoryChannel"

// DefaultChannelTemplate returns the template of the default channel kind,
// messaging.knative.dev/v1 InMemoryChannel.
func DefaultChannelTemplate() *ChannelTemplateSpec {
	return &ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: SchemeGroupVersion.String(), Kind: InMemoryChannelKind}}
}

// DefaultDestination fills in the namespace of d's ref with the referrer's
// namespace, as Knative's Destination defaulting does.
func DefaultDestination(d *duck.Destination, namespace string) {
	if d != nil && d.Ref != nil && d.Ref.Namespace == "" && namespace != "" {
		d.Ref.Namespace = namespace
	}
}

// DefaultDelivery defaults the dead letter sink of d (see DefaultDestination).
func DefaultDelivery(d *duck.DeliverySpec, namespace string) {
	if d != nil {
		DefaultDestination(d.DeadLetterSink, namespace)
	}
}

// SetDefaults picks the default channel kind and defaults the delivery.
func (c *Channel) SetDefaults() {
	if c.Spec.ChannelTemplate == nil {
		c.Spec.ChannelTemplate = DefaultChannelTemplate()
	}
	DefaultDelivery(c.Spec.Delivery, c.Namespace)
}

// SetDefaults defaults the delivery.
func (c *InMemoryChannel) SetDefaults() { DefaultDelivery(c.Spec.Delivery, c.Namespace) }

// SetDefaults defaults the namespaces of the subscriber, reply and dead
// letter sink to the Subscription's.
func (s *Subscription) SetDefaults() {
	DefaultDestination(s.Spec.Subscriber, s.Namespace)
	DefaultDestination(s.Spec.Reply, s.Namespace)
	DefaultDelivery(s.Spec.Delivery, s.Namespace)
}
