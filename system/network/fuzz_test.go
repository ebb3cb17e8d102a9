package network

import (
	"strings"
	"testing"
)

// FuzzClassify throws Host headers at Classify, which picks where the real
// Eventing shell connects: it must not panic, must name a known kind, must
// ignore a port, and a channel must parse as one.
func FuzzClassify(f *testing.F) {
	for _, h := range []string{
		BrokerIngressHost,
		BrokerIngressHost + ":80",
		ChannelHost("orders", "default"),
		"orders-kn-channel.default.svc",
		"orders-kn-channel.example.org",
		"-kn-channel..svc",
		ServiceHost("hello", "default"),
		"hello.default.svc",
		DomainHost("hello", "default", DefaultDomain),
		"HELLO.DEFAULT.EXAMPLE.COM.",
		"example.com",
		"[::1]:8080",
		"127.0.0.1:8080",
		"a:b:c",
		"",
		".svc",
		"\x00.svc.cluster.local",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, host string) {
		k := Classify(host)
		if k < External || k > Route {
			t.Fatalf("Classify(%q) = %d", host, k)
		}
		if k.String() == "" {
			t.Fatalf("kind %d has no name", k)
		}
		if !strings.Contains(host, ":") {
			if kp := Classify(host + ":8080"); kp != k {
				t.Fatalf("Classify(%q) = %v but with a port %v", host, k, kp)
			}
		}
		if k == Channel {
			if _, _, ok := ParseChannelHost(host); !ok {
				t.Fatalf("%q is a channel that does not parse", host)
			}
		}
	})
}
