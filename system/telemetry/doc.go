// Package telemetry is what knsim's Serving data-plane shells report, in one
// shape for the simulated shell (sim/dataplane) and the real one
// (system/shell/servingshell), so that virtual and real runs are recorded
// alike: a [Record] of every finished request, each revision's load over a
// second ([RevisionSecond], computed by [RevisionLoad] from the stats the
// queue-proxies and the activator report), and the [Metrics], [CPUMetrics]
// and [PodMetrics] interfaces through which those stats reach the
// autoscaler.
package telemetry
