// Package v1 holds the eventing.knative.dev/v1 API: Broker and Trigger
// (EventType is in v1beta2, as in Knative).
//
// +kubebuilder:object:generate=true
// +groupName=eventing.knative.dev
package v1
