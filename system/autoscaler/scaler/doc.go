// Package scaler is the PodAutoscaler reconciler's side of the KPA: given
// the decider's latest recommendation, the PodAutoscaler's Active condition,
// the ServerlessService and the time, it decides what to write: the scale to
// apply to the Deployment, the ServerlessService mode, the number of
// activators, the next Active condition and when to look again.
//
// It follows Knative Serving's pkg/reconciler/autoscaling/kpa (scaler.go
// scale and handleScaleToZero, kpa.go ReconcileKind, computeActiveCondition,
// activeThreshold and computeNumActivators):
//
//   - a desired scale of -1 (no metrics yet) is not applied, except while
//     activating;
//   - the scale is clamped to [min-scale, max-scale]; until the scale target
//     has been initialized, an initial-scale above 1 raises the lower bound;
//     min-scale does not hold an unreachable revision;
//   - zero is applied only when enable-scale-to-zero is on (else 1), the
//     revision was Active for a stable window (then it is marked Inactive
//     first, and kept at one pod until then), the activator is in the path
//     (always so with target-burst-capacity -1), and the revision has been
//     Inactive for max(grace period, pod retention) or, with the retention
//     satisfied, the activator has been in the path for the grace period;
//     a revision stuck activating past the activation timeout goes to zero;
//   - the ServerlessService is in Proxy mode (activator in the path) when
//     the scale is 0, the excess burst capacity is negative, or the scale is
//     unknown and the revision Inactive; otherwise in Serve mode.
//
// Everything is pure: the current time is an argument.
package scaler
