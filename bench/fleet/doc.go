// Package fleetbench measures what knsim's simulator costs as a serverless
// fleet grows: it generates a fleet of N functions with sim/fleet (the
// workload facts of the Azure Functions 2019 trace, about 60,000
// invocations a day per function), writes its scenario (one Knative
// Service per function, memory control plane) and runs it in virtual time
// with sim/runner, timing the run.
//
// [Run] does one run; [WriteTable] prints runs side by side, with each
// run's cost per invocation relative to the smallest fleet of the same
// duration. cmd/fleet runs a grid of fleet sizes and durations, one
// process per run so that each run's peak RSS is its own; bench_test.go
// holds a short Go benchmark (10 virtual minutes) for make bench.
// docs/performance.md describes the measurement and records results.
package fleetbench
