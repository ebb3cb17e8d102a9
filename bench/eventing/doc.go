// Package eventingbench benchmarks knsim's real-mode event path on
// loopback: a producer (a plain HTTP client sending binary-mode events, as
// a load generator would) posts to the broker ingress
// (system/eventing/broker.Handler, on net/http), whose fan-out filters each
// event through the triggers and delivers it with delivery.Dispatcher to a
// subscriber that records the latency without decoding the event.
//
// The producer and the subscriber share the two cores with the broker, so
// by default they run on fasthttp (Config.Peers), as fasthttp-based load
// generators and sinks do, leaving the broker more of the CPU; NetHTTP
// runs them on net/http for comparison (cmd/knativeratio -peers net/http).
//
// Run measures throughput (events delivered per second) and end-to-end
// latency (producer send to subscriber receipt; p50/p99) and, separately,
// the producer's view of the ingress (time to 202). bench_test.go reports
// them as Go benchmark metrics; cmd/knativeratio prints them against
// Knative's historical ~1.2k events/s per broker.
package eventingbench
