package resources

import (
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// Hosts of the shared broker data plane in knative-eventing.
const (
	IngressHost = "broker-ingress.knative-eventing.svc.cluster.local"
	FilterHost  = "broker-filter.knative-eventing.svc.cluster.local"
)

// Labels of the trigger channel, as Knative sets them.
const (
	BrokerEverythingLabelKey = "eventing.knative.dev/brokerEverything"
)

// Status annotations through which a Broker publishes its trigger channel
// to its Triggers, as Knative's MT broker does.
const (
	ChannelAPIVersionAnnotation = "knative.dev/channelAPIVersion"
	ChannelKindAnnotation       = "knative.dev/channelKind"
	ChannelNameAnnotation       = "knative.dev/channelName"
	ChannelAddressAnnotation    = "knative.dev/channelAddress"
)

// TriggerChannelName is the name of b's trigger channel: {broker}-kne-trigger.
func TriggerChannelName(brokerName string) string { return brokerName + "-kne-trigger" }

// Address is b's ingress address:
// http://broker-ingress.knative-eventing.svc.cluster.local/{namespace}/{broker}.
func Address(b *eventingv1.Broker) string {
	u := url.URL{Scheme: "http", Host: IngressHost, Path: "/" + b.Namespace + "/" + b.Name}
	return u.String()
}

// MakeTriggerChannel returns b's trigger channel, controlled by b and
// carrying b's delivery, defaulted as the webhook would store it.
func MakeTriggerChannel(b *eventingv1.Broker) *messagingv1.InMemoryChannel {
	c := &messagingv1.InMemoryChannel{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: b.Namespace,
			Name:      TriggerChannelName(b.Name),
			Labels: map[string]string{
				eventingv1.BrokerLabelKey: b.Name,
				BrokerEverythingLabelKey:  "true",
			},
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(b, eventingv1.SchemeGroupVersion.WithKind("Broker"))},
		},
		Spec: messagingv1.ChannelableSpec{Delivery: b.Spec.Delivery.DeepCopy()},
	}
	c.SetDefaults()
	return c
}

// ChannelAnnotations are the status annotations publishing channel c, whose
// address is addr.
func ChannelAnnotations(c *messagingv1.InMemoryChannel, addr string) map[string]string {
	return map[string]string{
		ChannelAPIVersionAnnotation: messagingv1.SchemeGroupVersion.String(),
		ChannelKindAnnotation:       messagingv1.InMemoryChannelKind,
		ChannelNameAnnotation:       c.Name,
		ChannelAddressAnnotation:    addr,
	}
}
