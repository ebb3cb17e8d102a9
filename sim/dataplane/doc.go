// Package dataplane is the simulated shell around knsim's Serving data-plane
// cores: every request is a chain of engine events through the gateway
// (system/ingress), the activator (system/activator) when the revision's
// ServerlessService is in Proxy mode or it has no ready pods, the pod's
// queue-proxy (system/queue breaker and stats) and a user-container model
// (service-time distribution, in-flight limit, cold-start penalty), with a
// network latency per hop. It reports queue-proxy and activator stats every
// second to the autoscaler and a record of every request to the runner.
package dataplane
