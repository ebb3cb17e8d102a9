// Package queue is the functional core of knsim's queue-proxy: the
// [Breaker] that enforces a revision's containerConcurrency on one pod, and
// the [Stats] that turn request arrivals and departures into the
// time-weighted concurrency and request counts the autoscaler scrapes.
//
// Both cores are synchronous state machines with no goroutines, no sleeps
// and no clock reads: a request "acquires" a slot and is told at once
// whether it was admitted, queued or rejected; a later "release" names the
// queued request (if any) admitted in its place. The simulated shell turns
// that answer into events on the virtual clock; the real shell in
// realhttp.go ([ProxyHandler]) wakes a waiting goroutine instead.
//
// Behaviour follows Knative's pkg/queue (breaker.go, handler.go,
// sharedmain's buildBreaker) and knative.dev/networking's request stats:
//
//   - queue-proxy runs a breaker with MaxConcurrency = containerConcurrency,
//     queue depth 10 x containerConcurrency and full initial capacity, and
//     no breaker at all when containerConcurrency is 0 ([ParamsFor]);
//   - a request beyond the queue gets [ErrRequestQueueFull], which the
//     shell answers with 503;
//   - queued requests are admitted strictly first in, first out (Knative's
//     channel semaphore gives no order guarantee; knsim picks FIFO so runs
//     are deterministic);
//   - stats count a request from the moment it reaches queue-proxy, queued
//     or not, and flag requests that came through the activator (header
//     K-Proxy-Request: activator) separately.
package queue
