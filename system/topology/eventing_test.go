package topology

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/network"
)

// uri is the address of a Service in default.
func uri(name string) string { return "http://" + network.ServiceHost(name, "default") }

const brokerURI = "http://" + network.BrokerIngressHost + "/default/default"

func chanHost(name string) string { return network.ChannelHost(name, "default") }

func TestBuildEventing(t *testing.T) {
	meta := func(name string, ann map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: "default", Name: name, Annotations: ann}
	}
	brokers := []eventingv1.Broker{
		{ObjectMeta: meta("ready", nil), Status: eventingv1.BrokerStatus{Address: duck.Addressable{URL: brokerURI}}},
		{ObjectMeta: meta("pending", nil)},
	}
	triggers := []eventingv1.Trigger{
		{ObjectMeta: meta("b", nil), Spec: eventingv1.TriggerSpec{Broker: "ready"}, Status: eventingv1.TriggerStatus{SubscriberURI: uri("b")}},
		{ObjectMeta: meta("a", nil), Spec: eventingv1.TriggerSpec{Broker: "ready"}, Status: eventingv1.TriggerStatus{SubscriberURI: uri("a")}},
		{ObjectMeta: meta("unresolved", nil), Spec: eventingv1.TriggerSpec{Broker: "ready"}},
		{ObjectMeta: meta("orphan", nil), Spec: eventingv1.TriggerSpec{Broker: "pending"}, Status: eventingv1.TriggerStatus{SubscriberURI: uri("c")}},
	}
	sub := duck.SubscriberSpec{UID: "u", SubscriberURI: uri("x")}
	imcs := []messagingv1.InMemoryChannel{
		{ObjectMeta: meta("plain", nil), Spec: messagingv1.ChannelableSpec{Subscribers: []duck.SubscriberSpec{sub, {UID: "unresolved"}}},
			Status: messagingv1.ChannelableStatus{Address: duck.Addressable{URL: "http://" + chanHost("plain")}}},
		{ObjectMeta: meta("marked", map[string]string{DurableAnnotation: "true"}),
			Status: messagingv1.ChannelableStatus{Address: duck.Addressable{URL: "http://" + chanHost("marked")}}},
		{ObjectMeta: meta("backing", nil), Status: messagingv1.ChannelableStatus{Address: duck.Addressable{URL: "http://" + chanHost("backing")}}},
		{ObjectMeta: meta("no-address", nil)},
	}
	chans := []messagingv1.Channel{{ObjectMeta: meta("backing", map[string]string{DurableAnnotation: "true"}),
		Spec:   messagingv1.ChannelSpec{ChannelableSpec: messagingv1.ChannelableSpec{Subscribers: []duck.SubscriberSpec{sub}}},
		Status: messagingv1.ChannelStatus{ChannelableStatus: messagingv1.ChannelableStatus{Address: duck.Addressable{URL: "http://" + chanHost("backing")}}}}}

	top := BuildEventing(brokers, triggers, imcs, chans, nil)
	if len(top.Brokers) != 1 {
		t.Fatalf("brokers = %v, want only the one with an address", top.Brokers)
	}
	b := top.Brokers[broker.Key{Namespace: "default", Name: "ready"}]
	var names []string
	for _, tr := range b.Triggers {
		names = append(names, tr.Name)
	}
	if strings.Join(names, ",") != "a,b" {
		t.Errorf("triggers = %v, want the resolved ones in name order", names)
	}
	if b.Delivery.Retry != delivery.BrokerDefaultRetry {
		t.Errorf("broker delivery = %+v, want Knative's default", b.Delivery)
	}
	tests := []struct {
		name    string
		want    bool
		durable bool
		subs    int
	}{
		{"plain", true, false, 1}, {"marked", true, true, 0}, {"backing", true, true, 1}, {"no-address", false, false, 0},
	}
	for _, tc := range tests {
		c, ok := top.Channels[channel.Key{Namespace: "default", Name: tc.name}]
		if ok != tc.want || c.Durable != tc.durable || len(c.Subscribers) != tc.subs {
			t.Errorf("channel %s = %+v (present %v), want present %v, durable %v, %d subscribers", tc.name, c, ok, tc.want, tc.durable, tc.subs)
		}
	}
}

// TestNameSubscribers: channel subscribers get their Subscription's
// namespace/name (which names a durable consumer), and each channel the
// Subscriptions that claim it, being deleted or not.
func TestNameSubscribers(t *testing.T) {
	meta := func(name, uid string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: "default", Name: name, UID: types.UID(uid)}
	}
	imcs := []messagingv1.InMemoryChannel{{ObjectMeta: meta("orders", "c1"),
		Spec: messagingv1.ChannelableSpec{Subscribers: []duck.SubscriberSpec{
			{UID: "s1", SubscriberURI: uri("a")}, {UID: "by-hand", SubscriberURI: uri("b")}}},
		Status: messagingv1.ChannelableStatus{Address: duck.Addressable{URL: "http://" + chanHost("orders")}}}}
	ref := duck.KReference{Kind: "InMemoryChannel", Name: "orders"}
	gone := meta("gone", "s3")
	gone.DeletionTimestamp = &metav1.Time{}
	subs := []messagingv1.Subscription{
		{ObjectMeta: meta("sub-a", "s1"), Spec: messagingv1.SubscriptionSpec{Channel: ref}},
		{ObjectMeta: meta("unresolved", "s2"), Spec: messagingv1.SubscriptionSpec{Channel: ref}},
		{ObjectMeta: gone, Spec: messagingv1.SubscriptionSpec{Channel: ref}},
		{ObjectMeta: meta("elsewhere", "s4"), Spec: messagingv1.SubscriptionSpec{Channel: duck.KReference{Kind: "InMemoryChannel", Name: "other"}}},
	}
	top := BuildEventing(nil, nil, imcs, nil, nil)
	top.NameSubscribers(subs)
	c := top.Channels[channel.Key{Namespace: "default", Name: "orders"}]
	var names []string
	for _, s := range c.Subscribers {
		names = append(names, s.UID+"="+s.Name)
	}
	if got := strings.Join(names, ","); got != "s1=default/sub-a,by-hand=" {
		t.Errorf("subscribers = %s, want s1 named after its Subscription and by-hand unnamed", got)
	}
	if got := strings.Join(c.Claims, ","); got != "default/sub-a,default/unresolved" {
		t.Errorf("claims = %s, want the live Subscriptions of the channel", got)
	}
}
