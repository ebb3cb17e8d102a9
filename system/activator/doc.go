// Package activator is the functional core of knsim's activator: the
// per-revision [Throttler] that buffers requests while a revision has no
// ready capacity and hands each admitted request a pod, plus the thin real
// shell in realhttp.go ([Handler]).
//
// The core is a synchronous state machine with no goroutines, no sleeps and
// no clock reads. [Throttler.Try] answers at once: admitted to a pod,
// queued, or rejected. A queued request is admitted later by the call that
// frees capacity, [Throttler.Release] or [Throttler.UpdatePods], which
// return the admissions they made; [Throttler.Expire] fails the requests
// whose deadline passed. The simulated shell schedules the continuation of
// each admitted or failed request as an event; the real shell wakes the
// goroutine serving it.
//
// Behaviour follows Knative's pkg/activator/net (throttler.go,
// lb_policy.go) with one activator:
//
//   - revision capacity = containerConcurrency x ready pods, unbounded when
//     containerConcurrency is 0 (but still zero with no ready pods);
//   - requests wait first in, first out in a queue of depth 10000
//     ([DefaultQueueDepth]); overflow fails with
//     [queue.ErrRequestQueueFull] and a passed deadline with
//     [ErrDeadlineExceeded], both answered 503;
//   - the pod is chosen by containerConcurrency: 0 -> power of two choices
//     on in-flight counts (seeded math/rand/v2, so runs are reproducible),
//     1..3 -> the first pod with a free slot, above 3 -> round robin over
//     pods with a free slot;
//   - the first request that finds the revision with no ready pods sets
//     [Result.Poke], once until pods appear again, so the shell can poke
//     the autoscaler at once instead of waiting for its next tick.
//
// Knative's activator pokes on the first request after a revision's stats
// went idle (its concurrency reporter sends a stat at once); knsim pokes
// on the first request that finds no ready pods, the case that matters for
// scale from zero.
package activator
