// Package dataplanebench measures the overhead of knsim's real-mode data
// plane (system/shell/servingshell) with hey (github.com/rakyll/hey/requester) as a
// library, after Knative's dataplane-probe: a fixed-latency user container
// under a fixed request rate, reached three ways in one run:
//
//   - direct: hey -> the user container (servingshell.Container in an httptest
//     server), the baseline;
//   - gateway>queue-proxy: hey -> gateway -> the pod's queue-proxy ->
//     container, a revision whose ServerlessService is in Serve mode;
//   - gateway>activator>queue-proxy: the same revision in Proxy mode.
//
// Every hop is HTTP/1.1 over loopback TCP except queue-proxy -> container,
// which is in-process (see system/shell/servingshell). The plane is fed one static
// snapshot (one Route and one ready pod per path), so no control plane
// runs. Run reports per path p50/p90/p99, the latency added over direct at
// p50 and p99, the throughput ratio to direct and the process CPU per
// request (hey included). The container holds requests 10 ms by default
// instead of dataplane-probe's 100 ms, to keep the run short; the added
// latency does not depend on it.
//
// Options.GC sets the process's garbage collector for the run
// (sim/gcpolicy). The commands default to the memory-limit policy knsim up
// uses; -gc default measures with Go's GOGC=100, under which the
// collector's pauses, several a second on the small heap, make most of the
// added p99.
package dataplanebench
