// Package config holds the cluster-wide autoscaler settings of the
// config-autoscaler ConfigMap (Config, NewConfigFromMap) and resolves them,
// together with a revision's autoscaling.knative.dev annotations and its
// containerConcurrency, into the per-revision DeciderSpec that the KPA
// decider, the metric collector and the scaler work from.
//
// Defaults, parsing and validation follow Knative Serving's
// pkg/autoscaler/config; the resolution follows Knative's
// pkg/reconciler/autoscaling (ResolveMetricTarget, MakeDecider, MakeMetric,
// GetInitialScale and PodAutoscaler.ScaleBounds).
package config
