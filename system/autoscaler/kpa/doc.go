// Package kpa is the Knative Pod Autoscaler decider: every tick it turns a
// revision's stable and panic metric averages and its ready pod count into a
// desired pod count and the excess burst capacity, as Knative Serving's
// pkg/autoscaler/scaling does.
//
// One decision (Autoscaler.Decide):
//
//  1. ready = max(1, readyPods); maxUp = ceil(MaxScaleUpRate * ready);
//     maxDown = floor(ready / MaxScaleDownRate) when the revision is
//     reachable, else 0.
//  2. stable = ceil(stableAvg / target), panic = ceil(panicAvg / target),
//     each clamped to [maxDown, maxUp]; with activation-scale > 1 a result
//     whose unclamped value is non-zero is raised to at least that scale.
//  3. Panic starts (or is extended) when unclamped panic / ready >=
//     PanicThreshold; it ends on the first tick below the threshold more
//     than a stable window after the last tick at or above it.
//  4. Outside panic the stable count is desired; in panic the larger of the
//     two, and never less than the largest count since panic started.
//  5. With scale-down-delay the maximum desired count over the trailing
//     delay window (in tick-sized slots) is applied.
//  6. Excess burst capacity: 0 when target-burst-capacity is 0, -1 when it
//     is -1, else floor(readyPods * total - TBC - panicAvg).
//
// The Autoscaler holds the panic state and the delay window; it reads no
// clock, so every call takes now.
package kpa
