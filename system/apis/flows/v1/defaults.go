package v1

import (
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// SetDefaults picks the default channel kind and defaults the namespaces of
// every destination to the Sequence's.
func (s *Sequence) SetDefaults() {
	if s.Spec.ChannelTemplate == nil {
		s.Spec.ChannelTemplate = messagingv1.DefaultChannelTemplate()
	}
	for i := range s.Spec.Steps {
		messagingv1.DefaultDestination(&s.Spec.Steps[i].Destination, s.Namespace)
		messagingv1.DefaultDelivery(s.Spec.Steps[i].Delivery, s.Namespace)
	}
	messagingv1.DefaultDestination(s.Spec.Reply, s.Namespace)
}

// SetDefaults picks the default channel kind and defaults the namespaces of
// every destination to the Parallel's.
func (p *Parallel) SetDefaults() {
	if p.Spec.ChannelTemplate == nil {
		p.Spec.ChannelTemplate = messagingv1.DefaultChannelTemplate()
	}
	for i := range p.Spec.Branches {
		b := &p.Spec.Branches[i]
		messagingv1.DefaultDestination(b.Filter, p.Namespace)
		messagingv1.DefaultDestination(&b.Subscriber, p.Namespace)
		messagingv1.DefaultDestination(b.Reply, p.Namespace)
		messagingv1.DefaultDelivery(b.Delivery, p.Namespace)
	}
	messagingv1.DefaultDestination(p.Spec.Reply, p.Namespace)
}
