package resources

import (
	"net/url"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/network"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
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
	u := url.URL{Scheme: "http", Host: network.BrokerIngressHost, Path: "/" + b.Namespace + "/" + b.Name}
	return u.String()
}

// MakeTriggerChannel returns b's trigger channel, of the kind template t
// names (nil: InMemoryChannel), controlled by b and carrying b's delivery,
// its dead letter sink defaulted as the webhook would store it.
func MakeTriggerChannel(b *eventingv1.Broker, t *messagingv1.ChannelTemplateSpec) (*unstructured.Unstructured, error) {
	d := b.Spec.Delivery.DeepCopy()
	messagingv1.DefaultDelivery(d, b.Namespace)
	labels := map[string]string{
		eventingv1.BrokerLabelKey: b.Name,
		BrokerEverythingLabelKey:  "true",
	}
	return chresources.MakeChannel(b, eventingv1.SchemeGroupVersion.WithKind("Broker"), TriggerChannelName(b.Name), t,
		labels, &messagingv1.ChannelableSpec{Delivery: d})
}

// ChannelAnnotations are the status annotations publishing channel c, whose
// address is addr.
func ChannelAnnotations(c *unstructured.Unstructured, addr string) map[string]string {
	return map[string]string{
		ChannelAPIVersionAnnotation: c.GetAPIVersion(),
		ChannelKindAnnotation:       c.GetKind(),
		ChannelNameAnnotation:       c.GetName(),
		ChannelAddressAnnotation:    addr,
	}
}
