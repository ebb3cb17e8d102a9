package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// Subscription connects a channel to a subscriber and, optionally, a reply
// destination.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sub,categories=all;knative;messaging
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Subscription struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec SubscriptionSpec `json:"spec,omitempty"`
	// +optional
	Status SubscriptionStatus `json:"status,omitempty"`
}

// SubscriptionSpec is the channel, subscriber, reply and delivery.
type SubscriptionSpec struct {
	// Channel is the channel to subscribe to.
	Channel duck.KReference `json:"channel"`
	// Subscriber receives the events.
	// +optional
	Subscriber *duck.Destination `json:"subscriber,omitempty"`
	// Reply receives the subscriber's replies.
	// +optional
	Reply *duck.Destination `json:"reply,omitempty"`
	// Delivery configures retries and the dead letter sink.
	// +optional
	Delivery *duck.DeliverySpec `json:"delivery,omitempty"`
}

// SubscriptionStatus is the observed state of a Subscription.
type SubscriptionStatus struct {
	duck.Status `json:",inline"`
	// PhysicalSubscription holds the resolved URIs.
	// +optional
	PhysicalSubscription PhysicalSubscription `json:"physicalSubscription,omitempty"`
}

// PhysicalSubscription is a Subscription resolved to URIs.
type PhysicalSubscription struct {
	// +optional
	SubscriberURI string `json:"subscriberUri,omitempty"`
	// +optional
	ReplyURI string `json:"replyUri,omitempty"`
	// +optional
	DeadLetterSinkURI string `json:"deadLetterSinkUri,omitempty"`
}

// SubscriptionList is a list of Subscriptions.
//
// +kubebuilder:object:root=true
type SubscriptionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Subscription `json:"items"`
}
