// Package v1 holds the flows.knative.dev/v1 API: Sequence and Parallel.
//
// +kubebuilder:object:generate=true
// +groupName=flows.knative.dev
package v1
