package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// Sequence sends events through its steps in order: one channel per step,
// step i's reply goes to step i+1, the last reply to spec.reply.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;flows
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.address.url"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Sequence struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec SequenceSpec `json:"spec,omitempty"`
	// +optional
	Status FlowStatus `json:"status,omitempty"`
}

// SequenceSpec lists the steps.
type SequenceSpec struct {
	// Steps receive the event in order.
	Steps []SequenceStep `json:"steps"`
	// ChannelTemplate is the kind of the channels between steps.
	// +optional
	ChannelTemplate *messagingv1.ChannelTemplateSpec `json:"channelTemplate,omitempty"`
	// Reply receives the last step's reply; dropped when unset.
	// +optional
	Reply *duck.Destination `json:"reply,omitempty"`
}

// SequenceStep is a subscriber with its own delivery.
type SequenceStep struct {
	duck.Destination `json:",inline"`
	// Delivery for this step.
	// +optional
	Delivery *duck.DeliverySpec `json:"delivery,omitempty"`
}

// FlowStatus is what Sequence and Parallel report.
type FlowStatus struct {
	duck.Status `json:",inline"`
	// Address receives events.
	// +optional
	Address duck.Addressable `json:"address,omitempty"`
	// Channels are the backing channels, in order.
	// +optional
	Channels []duck.KReference `json:"channels,omitempty"`
	// Subscriptions are the backing subscriptions, in order.
	// +optional
	Subscriptions []duck.KReference `json:"subscriptions,omitempty"`
}

// SequenceList is a list of Sequences.
//
// +kubebuilder:object:root=true
type SequenceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Sequence `json:"items"`
}

// Parallel sends each event to every branch; a branch's filter passes the
// event by replying with it, then its subscriber gets it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;flows
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.address.url"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Parallel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ParallelSpec `json:"spec,omitempty"`
	// +optional
	Status FlowStatus `json:"status,omitempty"`
}

// ParallelSpec lists the branches.
type ParallelSpec struct {
	// Branches each get every event.
	Branches []ParallelBranch `json:"branches"`
	// ChannelTemplate is the kind of the ingress and branch channels.
	// +optional
	ChannelTemplate *messagingv1.ChannelTemplateSpec `json:"channelTemplate,omitempty"`
	// Reply receives branch replies for branches without their own reply.
	// +optional
	Reply *duck.Destination `json:"reply,omitempty"`
}

// ParallelBranch is an optional filter, a subscriber and an optional reply.
type ParallelBranch struct {
	// Filter passes the event by replying with it; an empty 2xx drops it.
	// +optional
	Filter *duck.Destination `json:"filter,omitempty"`
	// Subscriber receives the events that pass.
	Subscriber duck.Destination `json:"subscriber"`
	// Reply receives this branch's replies.
	// +optional
	Reply *duck.Destination `json:"reply,omitempty"`
	// Delivery for this branch.
	// +optional
	Delivery *duck.DeliverySpec `json:"delivery,omitempty"`
}

// ParallelList is a list of Parallels.
//
// +kubebuilder:object:root=true
type ParallelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Parallel `json:"items"`
}
