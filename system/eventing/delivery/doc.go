// Package delivery is how knsim delivers one event to one destination, as
// Knative's dispatcher does (knative.dev/eventing pkg/kncloudevents
// retries.go and message_dispatcher.go):
//
//   - Policy comes from a duck.DeliverySpec: retry (attempts = 1 + retry),
//     backoffPolicy and backoffDelay, per-attempt timeout, retryAfterMax and
//     the dead letter sink. Durations are ISO-8601 (ParseDuration). With no
//     spec there is no retry; BrokerDefault is retry 10, exponential, PT0.2S.
//   - Backoff(k) is the wait before retry k = 1, 2, ...; by default the
//     dispatcher's observed behaviour: exponential delay*2^(k-1), linear
//     delay*(k-1). BackoffDocs selects the documented delay*2^k, delay*k.
//     As in Knative, there is no wait unless both policy and delay are set.
//   - Retriable: a transport error or timeout, 404, 408, 409, 429 and 5xx are
//     retried; other 4xx and 3xx are not; any non-2xx is a failure.
//   - Retry-After on 429 and 503 is honoured only when retryAfterMax is set,
//     capped by it, and only ever lengthens the backoff.
//   - Delivery is the per-event state machine: given each Attempt's outcome
//     it decides Done, Retry (after a wait), DeadLetter (the event with
//     knativeerrordest, knativeerrorcode and knativeerrordata) or Drop.
//   - A 2xx response carrying a CloudEvent is a reply. A non-empty 2xx body
//     that is not a CloudEvent is a failure with status 502, as the broker's
//     filter handler answers; a channel subscription may instead discard it
//     (Options.DiscardNonEventReply), as the channel dispatcher does.
//
// Everything above is a functional core: no goroutines, no sleeps, time
// passed in. Dispatcher (realhttp.go) is the real shell: it sends events in
// binary mode, by default over its own HTTP/1.1 keep-alive pool (h1.go) that
// runs each exchange in the delivering goroutine (or over a given
// http.Client), and waits with timers from an injected clock.
package delivery
