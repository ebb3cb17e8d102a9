// Package v1alpha1 holds the networking.internal.knative.dev/v1alpha1 API:
// the ServerlessService that switches a Revision between serving directly
// (Serve) and through the activator (Proxy).
//
// +kubebuilder:object:generate=true
// +groupName=networking.internal.knative.dev
package v1alpha1
