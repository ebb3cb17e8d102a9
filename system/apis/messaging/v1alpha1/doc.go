// Package v1alpha1 holds the messaging.knative.dev/v1alpha1 API:
// NatsJetStreamChannel, the durable channel kind of Knative's NATS JetStream
// channel (knative-extensions/eventing-natss). knsim serves it from NATS
// JetStream in real mode and models its durability in virtual time.
//
// +kubebuilder:object:generate=true
// +groupName=messaging.knative.dev
package v1alpha1
