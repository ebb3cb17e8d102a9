// Package eventing is the root of knsim's Knative Eventing data plane: trigger
// filters, delivery (retries, backoff, dead letters, replies), the broker
// ingress and fan-out, and the in-memory channel.
//
// Every behaviour is a functional core with no goroutines, sleeps or
// wall-clock reads (time comes in as a `now time.Time` argument or an
// injected k8s.io/utils/clock), used unchanged by the simulated shell and by
// the real shells in files named realhttp.go:
//
//	filter/   compile a Trigger's filter or filters, Match an event, Validate at admission
//	delivery/ Policy from a DeliverySpec, Backoff, retry classification, the
//	          per-delivery state machine, and the real HTTP Dispatcher
//	broker/   Ingress (POST /{namespace}/{broker}), TTL loop prevention,
//	          trigger fan-out, counters, and the real http.Handler
//	channel/  InMemoryChannel fan-out core and its real http.Handler
//	wire/     reading and writing CloudEvents over HTTP (sdk-go binding),
//	          shared by the real shells
//
// This package itself only holds the errors the cores and shells share.
package eventing
