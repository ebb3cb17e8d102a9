// Package apis holds knsim's Kubernetes API types: the Knative-compatible
// serving.knative.dev, autoscaling.internal.knative.dev and
// networking.internal.knative.dev groups, plus the shared duck types in duck/.
package apis
