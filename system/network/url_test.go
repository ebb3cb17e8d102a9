package network

import "testing"

func TestURLHostAndPath(t *testing.T) {
	for _, tc := range []struct {
		name, raw, host, path string
	}{
		{"empty", "", "", "/"},
		{"broker", "http://broker-ingress.knative-eventing.svc.cluster.local/default/b", BrokerIngressHost, "/default/b"},
		{"port dropped", "http://orders-kn-channel.default.svc.cluster.local:8080", "orders-kn-channel.default.svc.cluster.local", "/"},
		{"does not parse", "http://[::1", "", "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := URLHost(tc.raw); got != tc.host {
				t.Errorf("URLHost(%q) = %q, want %q", tc.raw, got, tc.host)
			}
			if got := URLPath(tc.raw); got != tc.path {
				t.Errorf("URLPath(%q) = %q, want %q", tc.raw, got, tc.path)
			}
		})
	}
}
