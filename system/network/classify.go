package network

import (
	"net"
	"strings"
)

// Kind is what a host addresses, as Classify says.
type Kind int

// The kinds of host.
const (
	// External hosts are outside the cluster's names: the request goes
	// to the host itself.
	External Kind = iota
	// Broker is the broker ingress (BrokerIngressHost).
	Broker
	// Channel is a channel's host, {name}-kn-channel.{namespace} followed
	// by .svc or .svc.cluster.local.
	Channel
	// Cluster is any other cluster-local host (ending in .svc or
	// .svc.cluster.local): Knative Services' and Routes' cluster-local
	// addresses, Kubernetes Services.
	Cluster
	// Route is a host under the default domain, a Route's external URL.
	Route
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Broker:
		return "broker"
	case Channel:
		return "channel"
	case Cluster:
		return "cluster-local"
	case Route:
		return "route"
	}
	return "external"
}

// Classify says what host (with or without a port) addresses. The broker
// ingress comes first, then channels (by their host's first label, only
// among cluster-local hosts, so that an outside host whose name happens to
// end in -kn-channel stays outside), then other cluster-local hosts, then
// hosts under the default domain.
func Classify(host string) Kind {
	host = stripPort(host)
	local := strings.HasSuffix(host, SvcSuffix) || strings.HasSuffix(host, shortSvcSuffix)
	switch {
	case host == BrokerIngressHost:
		return Broker
	case local && isChannel(host):
		return Channel
	case local:
		return Cluster
	case strings.HasSuffix(host, "."+DefaultDomain):
		return Route
	}
	return External
}

func isChannel(host string) bool {
	_, _, ok := ParseChannelHost(host)
	return ok
}

// stripPort drops a :port from host, if it has one: also from a host
// net.SplitHostPort refuses (such as "[.svc:80", found by FuzzClassify),
// so that a port never changes what a host is. What is left is the host as
// written, brackets included ("[.svc]:80" is "[.svc]", as without the
// port; found by FuzzClassify too).
func stripPort(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host[:strings.LastIndexByte(host, ':')]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[:i], ":") && digits(host[i+1:]) {
		return host[:i]
	}
	return host
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
