// Package v1 holds the eventing.knative.dev/v1 API: Broker, Trigger and EventType.
//
// +kubebuilder:object:generate=true
// +groupName=eventing.knative.dev
package v1
