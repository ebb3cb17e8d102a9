// Package sweepbench measures capacity-planning sweeps: how long `knsim
// sweep` takes over a fleet's day. azure-diurnal-50.sweep.yaml is the
// shipped benchmark, 50 points of a Latin hypercube over the azure-diurnal
// day (20 Services, 24 h); docs/performance.md records its wall time on 2
// cores. BenchmarkSweep runs two of its points on azure-peak (the day's
// busiest quarter hour), for `make bench`, and reports points per minute of wall time.
package sweepbench
