// Package metrics owns knsim's Prometheus metrics: the families Knative's
// autoscaler, activator and queue-proxy export, with Knative's names,
// label names and latency buckets ([Families]), and the collectors that
// fill them from the stack's state in `knsim up`: the Multiscaler's
// deciders ([Autoscaler]), the pods and Deployments of each revision, and
// the Serving shell's request records and per-second reports ([Requests]).
//
// The names live here once so that the live endpoint and the virtual
// export of a simulated run (sim/openmetrics) name the same series alike.
// Nothing here decides anything: the collectors read what the cores and
// the control plane already hold, when scraped.
package metrics
