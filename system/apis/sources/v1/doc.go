// Package v1 holds the sources.knative.dev/v1 API: PingSource,
// ApiServerSource, ContainerSource and SinkBinding.
//
// +kubebuilder:object:generate=true
// +groupName=sources.knative.dev
package v1
