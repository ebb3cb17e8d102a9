// Package multiscaler runs the autoscaling deciders of a control plane: one
// per revision, the KPA's (kpa) or, for the HPA class, the HPA's (hpa). It
// collects the data plane's per-second stats and CPU samples, decides on a
// tick of the injected clock and tells its owner when a revision's
// recommendation changes. The PodAutoscaler reconciler creates and reads
// the deciders; the data-plane shells report to it.
//
// Unlike the pure cores beside it, a Multiscaler keeps state and schedules
// its ticks as AfterFunc timers on the injected clock (on the simulator's
// clock they are engine events); it reads no wall clock.
package multiscaler
