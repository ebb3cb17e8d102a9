package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/knsim/knsim/system/apis/duck"
)

// Channel is an abstract channel backed by a concrete channel of the class
// its template names (InMemoryChannel by default).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ch,categories=all;knative;messaging;channel
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.address.url"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Channel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ChannelSpec `json:"spec,omitempty"`
	// +optional
	Status ChannelStatus `json:"status,omitempty"`
}

// ChannelTemplateSpec names the concrete channel kind and its spec.
type ChannelTemplateSpec struct {
	metav1.TypeMeta `json:",inline"`
	// Spec of the concrete channel.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	Spec *runtime.RawExtension `json:"spec,omitempty"`
}

// ChannelableSpec is what every channel kind's spec shares.
type ChannelableSpec struct {
	// Subscribers are filled in by Subscriptions.
	// +optional
	Subscribers []duck.SubscriberSpec `json:"subscribers,omitempty"`
	// Delivery is the channel-wide default.
	// +optional
	Delivery *duck.DeliverySpec `json:"delivery,omitempty"`
}

// ChannelSpec configures a Channel.
type ChannelSpec struct {
	// ChannelTemplate picks the backing channel kind.
	// +optional
	ChannelTemplate *ChannelTemplateSpec `json:"channelTemplate,omitempty"`
	ChannelableSpec `json:",inline"`
}

// ChannelableStatus is what every channel kind's status shares.
type ChannelableStatus struct {
	duck.Status `json:",inline"`
	// Address receives events.
	// +optional
	Address duck.Addressable `json:"address,omitempty"`
	// Subscribers reports each subscriber's readiness.
	// +optional
	Subscribers []duck.SubscriberStatus `json:"subscribers,omitempty"`
	// DeliveryStatus reports the resolved dead letter sink.
	// +optional
	duck.DeliveryStatus `json:",inline"`
}

// ChannelStatus is the observed state of a Channel.
type ChannelStatus struct {
	ChannelableStatus `json:",inline"`
	// Channel is the backing channel.
	// +optional
	Channel *duck.KReference `json:"channel,omitempty"`
}

// ChannelList is a list of Channels.
//
// +kubebuilder:object:root=true
type ChannelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Channel `json:"items"`
}

// InMemoryChannel delivers events to its subscribers from memory: no
// ordering, no persistence.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=imc,categories=all;knative;messaging;channel
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.address.url"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type InMemoryChannel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ChannelableSpec `json:"spec,omitempty"`
	// +optional
	Status ChannelableStatus `json:"status,omitempty"`
}

// Channelable returns the channel's spec and status, which are the
// Channelable duck type's.
func (c *InMemoryChannel) Channelable() (*ChannelableSpec, *ChannelableStatus) {
	return &c.Spec, &c.Status
}

// InMemoryChannelList is a list of InMemoryChannels.
//
// +kubebuilder:object:root=true
type InMemoryChannelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []InMemoryChannel `json:"items"`
}
