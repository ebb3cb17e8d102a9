// Package v1 holds the serving.knative.dev/v1 API: Service, Configuration,
// Revision and Route, with their defaults, validation and condition helpers.
//
// +kubebuilder:object:generate=true
// +groupName=serving.knative.dev
package v1
