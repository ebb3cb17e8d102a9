package resources

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/kmeta"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
)

// SequenceLabelKey labels a Sequence's channels and Subscriptions.
const SequenceLabelKey = "flows.knative.dev/sequence"

var sequenceGVK = flowsv1.SchemeGroupVersion.WithKind("Sequence")

// ChannelName names step i's channel: {sequence}-kn-sequence-{i}.
func ChannelName(sequence string, i int) string { return fmt.Sprintf("%s-kn-sequence-%d", sequence, i) }

// SubscriptionName names step i's Subscription: {sequence}-kn-sequence-{i}.
func SubscriptionName(sequence string, i int) string { return ChannelName(sequence, i) }

// ChannelRef references step i's channel.
func ChannelRef(s *flowsv1.Sequence, i int) duck.KReference {
	return chresources.Ref(s.Spec.ChannelTemplate, s.Namespace, ChannelName(s.Name, i))
}

// SubscriptionRef references step i's Subscription.
func SubscriptionRef(s *flowsv1.Sequence, i int) duck.KReference {
	return duck.KReference{APIVersion: messagingv1.SchemeGroupVersion.String(), Kind: "Subscription",
		Namespace: s.Namespace, Name: SubscriptionName(s.Name, i)}
}

// MakeChannel returns step i's channel, of the template's kind.
func MakeChannel(s *flowsv1.Sequence, i int) (*unstructured.Unstructured, error) {
	return chresources.MakeChannel(s, sequenceGVK, ChannelName(s.Name, i), s.Spec.ChannelTemplate,
		map[string]string{SequenceLabelKey: s.Name}, nil)
}

// MakeSubscription returns step i's Subscription: from channel i to step i,
// replying to channel i+1, or for the last step to spec.reply (none when
// unset). It is returned defaulted, as the webhook would store it.
func MakeSubscription(s *flowsv1.Sequence, i int) *messagingv1.Subscription {
	step := s.Spec.Steps[i]
	ch := ChannelRef(s, i)
	ch.Namespace = ""
	var reply *duck.Destination
	if i+1 < len(s.Spec.Steps) {
		next := ChannelRef(s, i+1)
		reply = &duck.Destination{Ref: &next}
	} else if s.Spec.Reply != nil {
		reply = s.Spec.Reply.DeepCopy()
	}
	sub := &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       s.Namespace,
			Name:            SubscriptionName(s.Name, i),
			Labels:          map[string]string{SequenceLabelKey: s.Name},
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(s, sequenceGVK)},
		},
		Spec: messagingv1.SubscriptionSpec{
			Channel:    ch,
			Subscriber: step.Destination.DeepCopy(),
			Reply:      reply,
			Delivery:   step.Delivery.DeepCopy(),
		},
	}
	sub.SetDefaults()
	return sub
}
