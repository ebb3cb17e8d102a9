package network

import "strings"

// Domains of the cluster's hosts.
const (
	// ClusterDomain is the cluster's DNS domain.
	ClusterDomain = "cluster.local"
	// ClusterLocalDomain is the domain of Kubernetes Services' hosts,
	// {name}.{namespace}.svc.cluster.local.
	ClusterLocalDomain = "svc." + ClusterDomain
	// SvcSuffix ends every fully qualified cluster-local Service host.
	SvcSuffix = "." + ClusterLocalDomain
	// shortSvcSuffix ends the short cluster-local form {name}.{namespace}.svc.
	shortSvcSuffix = ".svc"
	// DefaultDomain is the domain of Routes' external hosts when
	// config-domain names none.
	DefaultDomain = "example.com"
)

// Hosts of the shared Eventing data plane.
const (
	// EventingNamespace is the namespace of Knative Eventing's own
	// Services.
	EventingNamespace = "knative-eventing"
	// BrokerIngressHost is the host of every Broker's address
	// (http://broker-ingress.knative-eventing.svc.cluster.local/{ns}/{name}).
	BrokerIngressHost = "broker-ingress." + EventingNamespace + SvcSuffix
	// BrokerFilterHost is the host Triggers' subscriptions to a Broker's
	// trigger channel deliver to.
	BrokerFilterHost = "broker-filter." + EventingNamespace + SvcSuffix
	// ChannelSuffix ends the first label of a channel's host:
	// {name}-kn-channel.{namespace}.svc.cluster.local.
	ChannelSuffix = "-kn-channel"
)

// ServiceHost is the fully qualified host of the Kubernetes Service name in
// namespace, {name}.{namespace}.svc.cluster.local; a Knative Service's
// cluster-local address has this host too.
func ServiceHost(name, namespace string) string {
	return name + "." + namespace + SvcSuffix
}

// ChannelHost is the host of the channel name in namespace (an
// InMemoryChannel, a Channel or a NatsJetStreamChannel),
// {name}-kn-channel.{namespace}.svc.cluster.local.
func ChannelHost(name, namespace string) string {
	return ServiceHost(name+ChannelSuffix, namespace)
}

// DomainHost is {name}.{namespace}.{domain}, the host of a Route under
// domain.
func DomainHost(name, namespace, domain string) string {
	return name + "." + namespace + "." + domain
}

// ParseChannelHost names the channel a host addresses: its first label is
// {name}-kn-channel and its second the namespace, whatever follows (as
// Knative's channel dispatchers read the Host header). A port is ignored.
func ParseChannelHost(host string) (name, namespace string, ok bool) {
	labels := strings.Split(stripPort(host), ".")
	if len(labels) < 2 || !strings.HasSuffix(labels[0], ChannelSuffix) || labels[0] == ChannelSuffix || labels[1] == "" {
		return "", "", false
	}
	return strings.TrimSuffix(labels[0], ChannelSuffix), labels[1], true
}

// ParseServiceHost names the Knative Service a host addresses: a
// cluster-local host {name}.{namespace}.svc[.cluster.local] or a Route host
// under the default domain, {name}.{namespace}.example.com, whose Classify
// is Cluster or Route. Other hosts, and deeper names under those domains,
// name no Service. A port is ignored.
func ParseServiceHost(host string) (name, namespace string, ok bool) {
	host = stripPort(host)
	switch Classify(host) {
	case Cluster, Route:
	default:
		return "", "", false
	}
	labels := strings.Split(host, ".")
	if len(labels) < 3 {
		return "", "", false
	}
	switch strings.Join(labels[2:], ".") {
	case "svc", ClusterLocalDomain, DefaultDomain:
		return labels[0], labels[1], true
	}
	return "", "", false
}
