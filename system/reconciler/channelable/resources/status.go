package resources

import (
	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/network"
)

// Address is where a channel receives events:
// http://{name}-kn-channel.{namespace}.svc.cluster.local, the host the
// channel ingresses route by.
func Address(namespace, name string) string {
	return "http://" + network.ChannelHost(name, namespace)
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
