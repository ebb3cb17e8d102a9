// Package autoscaler is the root of knsim's autoscaling cores: pure,
// clock-free re-implementations of Knative Serving's autoscaler behaviour.
//
// The sub-packages are:
//
//   - config: the config-autoscaler ConfigMap and the per-revision
//     DeciderSpec resolved from it, a revision's annotations and its
//     containerConcurrency;
//   - metrics: the per-revision metric collector (1-second buckets, linear
//     and weighted-exponential window averages);
//   - kpa: the Knative Pod Autoscaler decider (panic mode, rate limits,
//     activation scale, scale-down delay, excess burst capacity);
//   - scaler: the PodAutoscaler reconciler's side (scale bounds, initial
//     scale, scale to zero, ServerlessService mode);
//   - hpa: the CPU-based Horizontal Pod Autoscaler class;
//   - schedule: cron windows that raise min-scale;
//   - reserve: Alibaba-style reserve instances;
//   - policy: the Policy interface and the registry of scaling policies
//     by autoscaler class; keepalive and hybrid: knsim's fixed keep-alive
//     and hybrid histogram policies (docs/policies.md);
//   - replay: feeding a per-second metric trace through collector and
//     decider, as `knsim autoscaler replay` does;
//   - multiscaler: one decider per revision, fed by the data plane and
//     ticking on the injected clock, which the PodAutoscaler reconciler
//     drives.
//
// None of them reads the wall clock, sleeps or starts goroutines: every
// method of the cores takes the current time as an argument, and the
// multiscaler's ticks are timers of the clock it is given.
package autoscaler
