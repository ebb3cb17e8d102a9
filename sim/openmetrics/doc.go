// Package openmetrics writes a virtual run's metrics as OpenMetrics text
// with the run's virtual timestamps (`knsim run --metrics-out FILE`), so
// that `promtool tsdb create-blocks-from openmetrics FILE DIR` loads a
// simulated day into Prometheus. The series are the ones `knsim up`
// serves (system/metrics names them once for both): the pods and load of
// every revision, read from the results' per-second samples, and the
// request counts and latency histograms of the queue-proxy and the
// activator, counted from the run's request records at the same
// one-second (or, past an hour, the results' merged) steps.
//
// It records nothing of its own beyond the records the runner hands it
// (runner.Options.OnRequest); the pods come from the results.
package openmetrics
