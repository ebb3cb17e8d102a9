// Package hpa is the CPU-based Horizontal Pod Autoscaler class
// (hpa.autoscaling.knative.dev): Kubernetes' HPA algorithm over simulated
// pods' CPU utilisation, as a pure type.
//
// Each sync: utilisation = sum(usage) / sum(requests) of the ready pods
// that report, ratio = utilisation / target; within the 10% tolerance the
// scale stays, else desired = ceil(ratio * ready pods) (when scaling up,
// not-ready pods are counted at zero usage and the direction re-checked).
// Recommendations are stabilised (scale-down takes the highest
// recommendation of the last 5 minutes by default, scale-up the lowest of
// its window, 0 by default), rate-limited by the default policies (up: the
// larger of +4 pods and +100% per 15s; down: -100% per 15s) and clamped to
// [minReplicas, maxReplicas]. Knative builds the HPA from the revision:
// minReplicas = max(min-scale, 1), maxReplicas = max-scale or unbounded,
// target = ceil(autoscaling.knative.dev/target) percent, default 80.
package hpa
