// Package duck owns the shapes shared by every knsim resource: the
// Knative-style Status with its Conditions, the Addressable address, and the
// ConditionSet helper that keeps a resource's top-level Ready condition in step
// with the conditions it depends on.
//
// +kubebuilder:object:generate=true
package duck
