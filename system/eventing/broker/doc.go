// Package broker is knsim's multi-tenant Broker data plane, as Knative's
// MT channel-based broker (knative.dev/eventing pkg/broker/ingress,
// pkg/broker/filter, pkg/broker/ttl.go) behaves:
//
//   - Ingress.Accept is the ingress core: POST only (OPTIONS answers the
//     CloudEvents webhook handshake; other methods get 405), path
//     /{namespace}/{broker} ("/" and unknown brokers get 404, other shapes
//     400), 400 for a body that is not a valid CloudEvent, 413 for a body
//     over the shell's limit, 202 when accepted. It stamps
//     knativearrivaltime (RFC 3339) and manages knativebrokerttl: 255 when
//     missing or not an integer, else decremented on every pass; an event
//     whose TTL reaches 0 is dropped with 400 and counted, never silently.
//   - Ingress.Fanout turns an accepted event and the broker's triggers into
//     the deliveries to start: the TTL is removed from what subscribers
//     see, each trigger's compiled filter decides, and the trigger's
//     delivery policy (or the broker's, replaced entirely when the trigger
//     sets one) drives retries and dead letters.
//   - Ingress.Reply puts a subscriber's reply back into the broker with the
//     TTL the original carried, so the ingress decrements it.
//   - Registry holds the brokers and triggers the control plane knows,
//     swapped atomically so the data plane reads without locks.
//   - Counters count accepted, rejected (by reason), dropped by TTL,
//     filtered out, dispatched, delivered, retries, dead-lettered, lost and
//     replies.
//
// The cores take `now` and never start goroutines. Handler (realhttp.go)
// is the real shell: an http.Handler that reads CloudEvents with the sdk-go
// binding and hands deliveries to a delivery.Dispatcher.
package broker
