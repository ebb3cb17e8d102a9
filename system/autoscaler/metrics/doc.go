// Package metrics is the per-revision metric collector of the autoscaler.
//
// Every second the autoscaler scrapes the revision's queue-proxies (a sample
// of them, scaled up to all ready pods, see Aggregate) and the activator
// pushes its own stats; Collector.Record sums everything landing in the same
// second into one bucket, so a bucket holds the revision's total. Two
// windows of buckets are kept per metric (concurrency and rps): the stable
// window and the panic window. Window averages follow Knative's
// pkg/autoscaler/aggregation: Buckets averages linearly over the buckets
// that hold data (a partial window just after the first sample, floored to
// six decimals), WeightedBuckets weighs recent buckets with an exponential
// decay alpha = max(1 - 0.0001^(1/buckets), 0.2).
//
// Nothing here reads a clock: every call takes now.
package metrics
