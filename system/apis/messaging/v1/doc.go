// Package v1 holds the messaging.knative.dev/v1 API: Channel,
// InMemoryChannel and Subscription.
//
// +kubebuilder:object:generate=true
// +groupName=messaging.knative.dev
package v1
