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

// ParallelLabelKey labels a Parallel's channels and Subscriptions.
const ParallelLabelKey = "flows.knative.dev/parallel"

var parallelGVK = flowsv1.SchemeGroupVersion.WithKind("Parallel")

// IngressChannelName names the ingress channel: {parallel}-kn-parallel.
func IngressChannelName(parallel string) string { return parallel + "-kn-parallel" }

// BranchChannelName names branch i's channel: {parallel}-kn-parallel-{i}.
func BranchChannelName(parallel string, i int) string {
	return fmt.Sprintf("%s-kn-parallel-%d", parallel, i)
}

// FilterSubscriptionName names branch i's filter Subscription:
// {parallel}-kn-parallel-filter-{i}.
func FilterSubscriptionName(parallel string, i int) string {
	return fmt.Sprintf("%s-kn-parallel-filter-%d", parallel, i)
}

// SubscriptionName names branch i's subscriber Subscription:
// {parallel}-kn-parallel-{i}.
func SubscriptionName(parallel string, i int) string { return BranchChannelName(parallel, i) }

// ChannelRef references p's channel named name.
func ChannelRef(p *flowsv1.Parallel, name string) duck.KReference {
	return chresources.Ref(p.Spec.ChannelTemplate, p.Namespace, name)
}

// SubscriptionRef references p's Subscription named name.
func SubscriptionRef(p *flowsv1.Parallel, name string) duck.KReference {
	return duck.KReference{APIVersion: messagingv1.SchemeGroupVersion.String(), Kind: "Subscription", Namespace: p.Namespace, Name: name}
}

// MakeChannel returns p's channel named name, of the template's kind.
func MakeChannel(p *flowsv1.Parallel, name string) (*unstructured.Unstructured, error) {
	return chresources.MakeChannel(p, parallelGVK, name, p.Spec.ChannelTemplate, map[string]string{ParallelLabelKey: p.Name}, nil)
}

// MakeFilterSubscription returns branch i's filter Subscription on the
// ingress channel: to the filter replying into the branch channel, or
// without a filter straight to the branch channel.
func MakeFilterSubscription(p *flowsv1.Parallel, i int) *messagingv1.Subscription {
	b := p.Spec.Branches[i]
	branch := ChannelRef(p, BranchChannelName(p.Name, i))
	spec := messagingv1.SubscriptionSpec{Channel: channelOnly(ChannelRef(p, IngressChannelName(p.Name)))}
	if b.Filter != nil {
		spec.Subscriber = b.Filter.DeepCopy()
		spec.Reply = &duck.Destination{Ref: &branch}
	} else {
		spec.Subscriber = &duck.Destination{Ref: &branch}
	}
	return subscription(p, FilterSubscriptionName(p.Name, i), spec)
}

// MakeSubscription returns branch i's Subscription on its channel: to the
// subscriber, replying to the branch's reply or else spec.reply.
func MakeSubscription(p *flowsv1.Parallel, i int) *messagingv1.Subscription {
	b := p.Spec.Branches[i]
	reply := b.Reply
	if reply == nil {
		reply = p.Spec.Reply
	}
	return subscription(p, SubscriptionName(p.Name, i), messagingv1.SubscriptionSpec{
		Channel:    channelOnly(ChannelRef(p, BranchChannelName(p.Name, i))),
		Subscriber: b.Subscriber.DeepCopy(),
		Reply:      reply.DeepCopy(),
		Delivery:   b.Delivery.DeepCopy(),
	})
}

// subscription wraps spec in a Subscription owned by p, defaulted as the
// webhook would store it.
func subscription(p *flowsv1.Parallel, name string, spec messagingv1.SubscriptionSpec) *messagingv1.Subscription {
	sub := &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       p.Namespace,
			Name:            name,
			Labels:          map[string]string{ParallelLabelKey: p.Name},
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(p, parallelGVK)},
		},
		Spec: spec,
	}
	sub.SetDefaults()
	return sub
}

// channelOnly drops the namespace: a Subscription's channel is always in
// its own namespace.
func channelOnly(ref duck.KReference) duck.KReference {
	ref.Namespace = ""
	return ref
}
