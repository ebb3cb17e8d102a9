// Package multiscaler runs the autoscaling deciders of a control plane: one
// per revision, the KPA's (kpa), for the HPA class the HPA's (hpa), or for
// a class registered in policy.Default that class's policy.Policy (knsim's
// keepalive and hybrid are registered here). It collects the data plane's
// per-second stats, CPU samples and per-pod observations, decides on a
// tick of the injected clock and tells its owner when a revision's
// recommendation changes. The PodAutoscaler reconciler creates and reads
// the deciders; the data-plane shells report to it.
//
// Unlike the pure cores beside it, a Multiscaler keeps state and schedules
// its ticks as AfterFunc timers on the injected clock (on the simulator's
// clock they are engine events); it reads no wall clock.
package multiscaler
