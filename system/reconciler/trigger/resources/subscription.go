package resources

import (
	"fmt"
	"hash/fnv"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/kmeta"
	"github.com/knsim/knsim/system/network"
	brokerresources "github.com/knsim/knsim/system/reconciler/broker/resources"
)

// TriggerLabelKey labels a Trigger's Subscription with the Trigger's name.
const TriggerLabelKey = "eventing.knative.dev/trigger"

// SubscriptionName is {broker}-{trigger}-{8 hex digits of the FNV-1a hash
// of the Trigger's UID}: unique per Trigger incarnation, and stable.
func SubscriptionName(t *eventingv1.Trigger) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(t.UID))
	return fmt.Sprintf("%s-%s-%08x", t.Spec.Broker, t.Name, h.Sum32())
}

// FilterURI is where the trigger channel delivers the Trigger's events: the
// shared broker filter, which applies the Trigger's filter and forwards to
// its subscriber.
func FilterURI(t *eventingv1.Trigger) string {
	u := url.URL{Scheme: "http", Host: network.BrokerFilterHost,
		Path: "/triggers/" + t.Namespace + "/" + t.Name + "/" + string(t.UID)}
	return u.String()
}

// Delivery is the delivery that applies to t: its own when set, replacing
// b's entirely; else b's.
func Delivery(t *eventingv1.Trigger, b *eventingv1.Broker) *duck.DeliverySpec {
	if t.Spec.Delivery != nil {
		return t.Spec.Delivery
	}
	return b.Spec.Delivery
}

// ChannelRef is the trigger channel b publishes in its status annotations,
// and whether it has published one.
func ChannelRef(b *eventingv1.Broker) (duck.KReference, bool) {
	a := b.Status.Annotations
	ref := duck.KReference{
		APIVersion: a[brokerresources.ChannelAPIVersionAnnotation],
		Kind:       a[brokerresources.ChannelKindAnnotation],
		Name:       a[brokerresources.ChannelNameAnnotation],
	}
	return ref, ref.APIVersion != "" && ref.Kind != "" && ref.Name != ""
}

// MakeSubscription returns the Subscription t owns on b's trigger channel
// ch: the broker filter subscribes, replies go back to b's ingress. It is
// returned defaulted, as the webhook would store it.
func MakeSubscription(t *eventingv1.Trigger, b *eventingv1.Broker, ch duck.KReference) *messagingv1.Subscription {
	sub := &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: t.Namespace,
			Name:      SubscriptionName(t),
			Labels: map[string]string{
				eventingv1.BrokerLabelKey: t.Spec.Broker,
				TriggerLabelKey:           t.Name,
			},
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(t, eventingv1.SchemeGroupVersion.WithKind("Trigger"))},
		},
		Spec: messagingv1.SubscriptionSpec{
			Channel:    duck.KReference{APIVersion: ch.APIVersion, Kind: ch.Kind, Name: ch.Name},
			Subscriber: &duck.Destination{URI: FilterURI(t)},
			Reply:      &duck.Destination{URI: brokerresources.Address(b)},
			Delivery:   Delivery(t, b).DeepCopy(),
		},
	}
	sub.SetDefaults()
	return sub
}
