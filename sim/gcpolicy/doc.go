// Package gcpolicy owns the Go garbage-collector setting of processes that
// serve knsim's real-mode data planes (knsim up, knsim run in real mode,
// the data-plane benchmarks).
//
// Those processes allocate a few kilobytes per proxied request on a heap of
// only a few megabytes, so with Go's default GOGC=100 the collector runs
// several times a second. Each cycle stops the world briefly and, with two
// cores, gives a whole P to marking for a few milliseconds; the requests in
// flight at that moment make the latency tail. A memory-limit policy
// (GOGC=off with a GOMEMLIMIT-style soft limit, the setting Go's GC guide
// suggests for latency-sensitive services with spare memory) collects only
// when the heap nears the limit, a few times a minute at most.
package gcpolicy
