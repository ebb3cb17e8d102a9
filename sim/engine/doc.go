// Package engine is knsim's discrete-event simulation core.
//
// It owns three things and nothing else:
//
//   - the event loop: an [Engine] holds virtual time and a queue of
//     callbacks ordered by (time, insertion sequence), and fires them one at
//     a time on the goroutine that drives it (Step, RunUntil, Run);
//   - randomness: [Engine.Rand] hands each named component its own seeded
//     stream, so a run is reproducible from one master seed and adding a
//     component does not shift the numbers any other component sees;
//   - a virtual clock: [Clock] implements k8s.io/utils/clock's interfaces on
//     top of the engine, so controller code written against that clock runs
//     unchanged in simulated time.
//
// Cluster models, workloads and metrics live elsewhere and build on these.
//
// # Concurrency
//
// One driver goroutine calls Step, RunUntil and Run. Any goroutine may call
// Now, Schedule, After, Cancel, Pending and the Clock's methods while the
// driver is running: shared state sits behind a mutex that is never held
// while an event callback runs, so callbacks may schedule and cancel freely.
//
// # Determinism
//
// With the same Config and the same sequence of Schedule calls, events fire
// in the same order at the same virtual times. Events scheduled with a label
// contribute to a running FNV-64a trace hash ([Engine.TraceHash]), a cheap
// fingerprint for checking that two runs took the same path.
package engine
