// Package eventingbench benchmarks knsim's real-mode event path on
// loopback: a producer (a plain HTTP client sending binary-mode events, as
// a load generator would) posts to the broker ingress (system/eventing/broker.Handler), whose fan-out
// filters each event through the triggers and delivers it with
// delivery.Dispatcher to an httptest subscriber.
//
// Run measures throughput (events delivered per second) and end-to-end
// latency (producer send to subscriber receipt; p50/p99) and, separately,
// the producer's view of the ingress (time to 202). bench_test.go reports
// them as Go benchmark metrics; cmd/knativeratio prints them against
// Knative's historical ~1.2k events/s per broker.
package eventingbench
