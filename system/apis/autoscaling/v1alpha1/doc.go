// Package v1alpha1 holds the autoscaling.internal.knative.dev/v1alpha1 API:
// the PodAutoscaler a Revision owns.
//
// +kubebuilder:object:generate=true
// +groupName=autoscaling.internal.knative.dev
package v1alpha1
