// Package upsoak is the soak benchmark of `knsim up`: it starts knsim up
// as a child process, applies a Knative Service and a Broker with a
// Trigger to it, drives HTTP requests through the gateway and CloudEvents
// into the broker ingress for minutes, and samples the child's resident
// size (/proc/PID/status VmRSS) and goroutine count (pprof on the child's
// --debug-addr) before, during and after the load.
//
// [Run] does one soak and returns its samples; [Judge] decides whether
// goroutines came back near the level before the load and whether the
// resident size kept growing under steady load; [WriteTable] prints them.
// cmd/upsoak is the command (exit 1 when the verdict fails);
// docs/reliability.md records a 5-minute run.
package upsoak
