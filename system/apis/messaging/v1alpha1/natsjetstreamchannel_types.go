package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// NatsJetStreamChannel is a durable channel backed by NATS JetStream: one
// stream per channel, one durable consumer per subscriber.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=jsc,categories=all;knative;messaging;channel
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.address.url"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type NatsJetStreamChannel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec NatsJetStreamChannelSpec `json:"spec,omitempty"`
	// +optional
	Status NatsJetStreamChannelStatus `json:"status,omitempty"`
}

// Channelable returns the Channelable duck type's part of the channel's
// spec and status.
func (c *NatsJetStreamChannel) Channelable() (*messagingv1.ChannelableSpec, *messagingv1.ChannelableStatus) {
	return &c.Spec.ChannelableSpec, &c.Status.ChannelableStatus
}

// NatsJetStreamChannelSpec is the channelable part (subscribers, delivery)
// plus how the channel's stream and consumers are configured.
type NatsJetStreamChannelSpec struct {
	messagingv1.ChannelableSpec `json:",inline"`
	// Stream configures the channel's stream.
	// +optional
	Stream Stream `json:"stream,omitempty"`
	// ConsumerConfigTemplate configures the durable consumer of every
	// subscriber.
	// +optional
	ConsumerConfigTemplate *ConsumerConfigTemplate `json:"consumerConfigTemplate,omitempty"`
}

// NatsJetStreamChannelStatus is the channelable status: address,
// conditions, subscriber readiness and the resolved dead letter sink.
type NatsJetStreamChannelStatus struct {
	messagingv1.ChannelableStatus `json:",inline"`
}

// NatsJetStreamChannelList is a list of NatsJetStreamChannels.
//
// +kubebuilder:object:root=true
type NatsJetStreamChannelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NatsJetStreamChannel `json:"items"`
}
