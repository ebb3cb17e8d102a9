// Package v1beta2 holds the eventing.knative.dev/v1beta2 API: EventType,
// the version Knative stores. An EventType names a kind of event (its
// CloudEvents type and source) that can be consumed from a Broker or a
// channel; Brokers and channels create them as they see events when
// config-features enables eventtype-auto-create.
//
// +kubebuilder:object:generate=true
// +groupName=eventing.knative.dev
package v1beta2
