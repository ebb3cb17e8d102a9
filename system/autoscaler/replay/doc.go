// Package replay feeds a per-second metric trace through the metric
// collector and the KPA decider, as `knsim autoscaler replay` does, and
// writes one CSV row per decision.
//
// A trace is a CSV file with a header. Columns: second (required, a whole
// number of seconds, strictly increasing), concurrency (required, the
// revision's total average concurrency in that second, >= 0), and optionally
// rps (requests in that second, >= 0) and ready_pods (ready pods in that
// second, a whole number >= 0). Blank lines and lines starting with # are
// skipped. Seconds are absolute (they may be Unix times): they place the
// samples in the collector's one-second buckets and the decisions in the
// scale-down-delay window's tick slots, exactly as wall-clock seconds do in
// Knative.
//
// The replay starts at the first row's second s0; that row's sample is
// recorded at s0. Each row is recorded at its second (rows may skip seconds:
// no sample is recorded then, as when no pod reports). The decider is
// created at s0 with the ready pods of s0 and decides at s0 + k*tick
// (k = 1, 2, ...; tick 2s), after the sample of that second was recorded,
// up to the last row's second or to --until. The ready pods of a decision are
// the ready_pods of the latest row at or before it when the column is
// present; otherwise they follow the decisions: the desired count of the
// previous valid decision, starting from the resolved initial scale.
//
// Output columns: time (seconds since s0), desired, stable, panic,
// panic_mode (1 or 0), ebc; optionally ready_pods, valid (1 or 0) and event
// (tick or poke). desired and ebc are the decider's status, which an
// invalid decision (no data for a stable window) leaves unchanged: before
// the first valid decision desired is -1 and ebc the initial one.
// stable and panic are the observed window averages (0 when invalid),
// formatted with strconv 'f' and the shortest exact representation
// (precision -1) unless a precision is given.
package replay
