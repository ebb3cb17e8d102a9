package resources

import (
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// Resolved is a Subscription's destinations resolved to URIs.
type Resolved struct {
	// SubscriberURI receives the events; empty without a subscriber.
	SubscriberURI string
	// ReplyURI receives the subscriber's replies; empty without a reply.
	ReplyURI string
	// DeadLetterSinkURI receives failed events; empty without one.
	DeadLetterSinkURI string
}

// EffectiveDelivery is the delivery the channel applies for s: its own, or
// else the channel's (channelDelivery); nil when neither sets one.
func EffectiveDelivery(s *messagingv1.Subscription, channelDelivery *duck.DeliverySpec) *duck.DeliverySpec {
	if s.Spec.Delivery != nil {
		return s.Spec.Delivery
	}
	return channelDelivery
}

// MakeSubscriber returns the entry s owns in its channel's spec.subscribers:
// the resolved URIs and the delivery d with its dead letter sink replaced by
// the resolved URI, so the dispatcher resolves nothing.
func MakeSubscriber(s *messagingv1.Subscription, r Resolved, d *duck.DeliverySpec) duck.SubscriberSpec {
	spec := duck.SubscriberSpec{
		UID:           string(s.UID),
		Generation:    s.Generation,
		SubscriberURI: r.SubscriberURI,
		ReplyURI:      r.ReplyURI,
	}
	if d != nil {
		spec.Delivery = d.DeepCopy()
		spec.Delivery.DeadLetterSink = nil
		if r.DeadLetterSinkURI != "" {
			spec.Delivery.DeadLetterSink = &duck.Destination{URI: r.DeadLetterSinkURI}
		}
	} else if r.DeadLetterSinkURI != "" {
		spec.Delivery = &duck.DeliverySpec{DeadLetterSink: &duck.Destination{URI: r.DeadLetterSinkURI}}
	}
	return spec
}

// Upsert returns subs with want in place of the entry of the same UID (or
// appended), and whether that changed anything.
func Upsert(subs []duck.SubscriberSpec, want duck.SubscriberSpec) ([]duck.SubscriberSpec, bool) {
	for i := range subs {
		if subs[i].UID != want.UID {
			continue
		}
		if equality.Semantic.DeepEqual(subs[i], want) {
			return subs, false
		}
		out := append([]duck.SubscriberSpec{}, subs...)
		out[i] = want
		return out, true
	}
	return append(append([]duck.SubscriberSpec{}, subs...), want), true
}

// Remove returns subs without the entry of uid, and whether it was there.
func Remove(subs []duck.SubscriberSpec, uid string) ([]duck.SubscriberSpec, bool) {
	out := make([]duck.SubscriberSpec, 0, len(subs))
	for _, s := range subs {
		if s.UID != uid {
			out = append(out, s)
		}
	}
	return out, len(out) != len(subs)
}

// Readiness finds uid in a channel's status.subscribers: its status, or nil
// when the channel does not list it at generation or later.
func Readiness(statuses []duck.SubscriberStatus, uid string, generation int64) *duck.SubscriberStatus {
	for i := range statuses {
		if statuses[i].UID == uid && statuses[i].ObservedGeneration >= generation {
			return &statuses[i]
		}
	}
	return nil
}
