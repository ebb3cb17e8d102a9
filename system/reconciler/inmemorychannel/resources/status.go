package resources

import (
	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/resolver"
)

// Address is where an InMemoryChannel receives events:
// http://{name}-kn-channel.{namespace}.svc.cluster.local.
func Address(c *messagingv1.InMemoryChannel) string {
	return resolver.ServiceURL(c.Name+"-kn-channel", c.Namespace).String()
}

// SubscriberStatuses mirrors spec.subscribers: every one is ready at the
// generation the Subscription last wrote.
func SubscriberStatuses(subs []duck.SubscriberSpec) []duck.SubscriberStatus {
	if len(subs) == 0 {
		return nil
	}
	out := make([]duck.SubscriberStatus, len(subs))
	for i, s := range subs {
		out[i] = duck.SubscriberStatus{UID: s.UID, ObservedGeneration: s.Generation, Ready: "True"}
	}
	return out
}
