// Package resolver turns event destinations into URIs, as Knative's
// resolver does: a reference to anything Addressable (a Knative Service,
// Broker, Channel, InMemoryChannel, Sequence, Parallel, or any kind with
// status.address.url), a Kubernetes Service, an absolute URI, or a URI
// relative to the referenced object's address.
//
// Its Tracker remembers which objects each referrer resolved, so that a
// change of, say, a Service's address requeues the Triggers and
// Subscriptions pointing at it.
package resolver
