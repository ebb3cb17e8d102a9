// Package dataplane is the simulated shell around knsim's Serving data-plane
// cores: every request is a chain of engine events through the gateway
// (system/ingress), the activator (system/activator) when the revision's
// ServerlessService is in Proxy mode or it has no ready pods, the pod's
// queue-proxy (system/queue breaker and stats) and the user container
// (system/container: service-time distribution, in-flight limit,
// cold-start penalty, CPU use), with a network latency per hop. It reports
// queue-proxy and activator stats every second to the autoscaler (and, for
// revisions of a scaling policy, each ready pod's requests and idleness and
// the activator's waiting requests, also whenever a request waits), each
// revision's load (system/telemetry.RevisionLoad) and a record of every
// request to the runner, and hands that record to the request's sender.
//
// A request to a plain Kubernetes Service's cluster-DNS name (kube.go) goes
// as kube-proxy sends it: straight to one of the Ready pods the Service
// selects, picked at random, into a bare container (no queue-proxy, no
// activator, no autoscaler stats), one hop each way.
package dataplane
