package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// Trigger subscribes a destination to a Broker's events that pass its filter.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;eventing
// +kubebuilder:printcolumn:name="Broker",type=string,JSONPath=".spec.broker"
// +kubebuilder:printcolumn:name="Subscriber_URI",type=string,JSONPath=".status.subscriberUri"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=".metadata.creationTimestamp"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Trigger struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec TriggerSpec `json:"spec,omitempty"`
	// +optional
	Status TriggerStatus `json:"status,omitempty"`
}

// TriggerSpec is the Trigger's broker, filter, subscriber and delivery.
type TriggerSpec struct {
	// Broker is the name of the Broker in the Trigger's namespace.
	Broker string `json:"broker"`
	// Filter matches exact attribute values.
	// +optional
	Filter *TriggerFilter `json:"filter,omitempty"`
	// Filters, when non-empty, are ANDed and take precedence over Filter.
	// +optional
	Filters []SubscriptionsAPIFilter `json:"filters,omitempty"`
	// Subscriber receives the matching events.
	Subscriber duck.Destination `json:"subscriber"`
	// Delivery replaces the Broker's delivery entirely when set.
	// +optional
	Delivery *duck.DeliverySpec `json:"delivery,omitempty"`
}

// TriggerFilter matches every listed attribute exactly; an empty value
// means the attribute must be present and non-empty.
type TriggerFilter struct {
	// Attributes to match.
	// +optional
	Attributes map[string]string `json:"attributes,omitempty"`
}

// SubscriptionsAPIFilter is one filter expression; exactly one dialect is set.
type SubscriptionsAPIFilter struct {
	// All passes when every nested filter passes.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	All []SubscriptionsAPIFilter `json:"all,omitempty"`
	// Any passes when at least one nested filter passes.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	Any []SubscriptionsAPIFilter `json:"any,omitempty"`
	// Not passes when the nested filter does not.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	Not *SubscriptionsAPIFilter `json:"not,omitempty"`
	// Exact matches attribute values exactly.
	// +optional
	Exact map[string]string `json:"exact,omitempty"`
	// Prefix matches attribute value prefixes.
	// +optional
	Prefix map[string]string `json:"prefix,omitempty"`
	// Suffix matches attribute value suffixes.
	// +optional
	Suffix map[string]string `json:"suffix,omitempty"`
	// CESQL is a CloudEvents SQL expression.
	// +optional
	CESQL string `json:"cesql,omitempty"`
}

// TriggerStatus is the observed state of a Trigger.
type TriggerStatus struct {
	duck.Status `json:",inline"`
	// SubscriberURI is the resolved subscriber.
	// +optional
	SubscriberURI string `json:"subscriberUri,omitempty"`
	// DeliveryStatus reports the resolved dead letter sink.
	// +optional
	duck.DeliveryStatus `json:",inline"`
}

// Trigger condition types.
const (
	TriggerConditionBroker             duck.ConditionType = "BrokerReady"
	TriggerConditionSubscribed         duck.ConditionType = "SubscriptionReady"
	TriggerConditionSubscriberResolved duck.ConditionType = "SubscriberResolved"
	TriggerConditionDeadLetterSink     duck.ConditionType = "DeadLetterSinkResolved"
	TriggerConditionDependency         duck.ConditionType = "DependencyReady"
)

// TriggerList is a list of Triggers.
//
// +kubebuilder:object:root=true
type TriggerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Trigger `json:"items"`
}
