// Package network names the cluster's hosts, once for the whole stack: the
// cluster domain and the suffix of cluster-local Service hosts, the default
// domain of Routes, the shared broker hosts in knative-eventing, the hosts
// of channels and Knative Services, and Classify, which says what a host
// is (a broker, a channel, another cluster-local Service, a Route under the
// default domain, or something outside the cluster).
//
// The reconcilers publish addresses built here (Broker, channel and Route
// addresses, Kubernetes Service URLs), the ingress matches the same forms,
// and both Eventing shells route by Classify: the real one picks the
// loopback listener a connection goes to, the virtual one the core an
// event goes to. Every name follows Knative's defaults, which knsim does
// not let a cluster change (config-domain aside, which the Route
// reconciler reads).
package network
