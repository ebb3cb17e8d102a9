package network

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHosts(t *testing.T) {
	for _, tc := range []struct{ name, got, want string }{
		{"ClusterLocalDomain", ClusterLocalDomain, "svc.cluster.local"},
		{"SvcSuffix", SvcSuffix, ".svc.cluster.local"},
		{"BrokerIngressHost", BrokerIngressHost, "broker-ingress.knative-eventing.svc.cluster.local"},
		{"BrokerFilterHost", BrokerFilterHost, "broker-filter.knative-eventing.svc.cluster.local"},
		{"ServiceHost", ServiceHost("event-display", "default"), "event-display.default.svc.cluster.local"},
		{"ChannelHost", ChannelHost("orders", "shop"), "orders-kn-channel.shop.svc.cluster.local"},
		{"ChannelHost of a trigger channel", ChannelHost("default-kne-trigger", "live"), "default-kne-trigger-kn-channel.live.svc.cluster.local"},
		{"DomainHost", DomainHost("hello", "default", DefaultDomain), "hello.default.example.com"},
		{"DomainHost cluster-local", DomainHost("hello", "default", ClusterLocalDomain), "hello.default.svc.cluster.local"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		host string
		want Kind
	}{
		{BrokerIngressHost, Broker},
		{BrokerIngressHost + ":80", Broker},
		{"orders-kn-channel.default.svc.cluster.local", Channel},
		{"orders-kn-channel.default.svc.cluster.local:8080", Channel},
		{"orders-kn-channel.default.svc", Channel},
		{"seq-kn-sequence-0-kn-channel.flows.svc.cluster.local", Channel},
		{"event-display.default.svc.cluster.local", Cluster},
		{"event-display.default.svc.cluster.local:80", Cluster},
		{"hello.team.svc", Cluster},
		{BrokerFilterHost, Cluster},
		{"-kn-channel.default.svc.cluster.local", Cluster},
		{"hello.default.example.com", Route},
		{"hello.default.example.com:80", Route},
		{"orders-kn-channel.default.example.com", Route},
		{"example.com", External},
		{"orders-kn-channel.default", External},
		{"sink.other.org", External},
		{"sink.other.org:443", External},
		{"127.0.0.1:9999", External},
		{"", External},
	} {
		if got := Classify(tc.host); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

func TestParseChannelHost(t *testing.T) {
	type result struct {
		Name, Namespace string
		OK              bool
	}
	for _, tc := range []struct {
		host string
		want result
	}{
		{"orders-kn-channel.ns.svc.cluster.local", result{"orders", "ns", true}},
		{"orders-kn-channel.ns.svc.cluster.local:8080", result{"orders", "ns", true}},
		{"orders-kn-channel.ns", result{"orders", "ns", true}},
		{"a-kn-channel-kn-channel.ns.svc", result{"a-kn-channel", "ns", true}},
		{"-kn-channel.ns.svc.cluster.local", result{}},
		{"orders-kn-channel", result{}},
		{"orders-kn-channel..svc", result{}},
		{"orders.ns.svc.cluster.local", result{}},
	} {
		var got result
		got.Name, got.Namespace, got.OK = ParseChannelHost(tc.host)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseChannelHost(%q) (-want +got):\n%s", tc.host, diff)
		}
	}
}

func TestParseServiceHost(t *testing.T) {
	type result struct {
		Name, Namespace string
		OK              bool
	}
	for _, tc := range []struct {
		host string
		want result
	}{
		{"event-display.default.svc.cluster.local", result{"event-display", "default", true}},
		{"event-display.default.svc.cluster.local:80", result{"event-display", "default", true}},
		{"hello.team.svc", result{"hello", "team", true}},
		{"hello.team.example.com", result{"hello", "team", true}},
		{BrokerIngressHost, result{}},
		{ChannelHost("c", "default"), result{}},
		{"a.b.c.svc.cluster.local", result{}},
		{"tag-hello.team.sub.example.com", result{}},
		{"sink.example.org", result{}},
		{"hello.team", result{}},
	} {
		var got result
		got.Name, got.Namespace, got.OK = ParseServiceHost(tc.host)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseServiceHost(%q) (-want +got):\n%s", tc.host, diff)
		}
	}
}

func TestKindString(t *testing.T) {
	got := []string{External.String(), Broker.String(), Channel.String(), Cluster.String(), Route.String()}
	want := []string{"external", "broker", "channel", "cluster-local", "route"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Kind names (-want +got):\n%s", diff)
	}
}
