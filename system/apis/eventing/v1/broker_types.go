package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// Broker is an event mesh: producers send to its address and Triggers
// subscribe to the events that pass their filters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;eventing
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.address.url"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=".metadata.creationTimestamp"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Broker struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec BrokerSpec `json:"spec,omitempty"`
	// +optional
	Status BrokerStatus `json:"status,omitempty"`
}

// BrokerClassAnnotationKey selects the broker implementation.
const BrokerClassAnnotationKey = "eventing.knative.dev/broker.class"

// BrokerSpec configures a Broker.
type BrokerSpec struct {
	// Config points at the broker class's configuration.
	// +optional
	Config *duck.KReference `json:"config,omitempty"`
	// Delivery is the default for Triggers that set none.
	// +optional
	Delivery *duck.DeliverySpec `json:"delivery,omitempty"`
}

// BrokerStatus is the observed state of a Broker.
type BrokerStatus struct {
	duck.Status `json:",inline"`
	// Address is the broker's ingress.
	// +optional
	Address duck.Addressable `json:"address,omitempty"`
	// DeliveryStatus reports the resolved dead letter sink.
	// +optional
	duck.DeliveryStatus `json:",inline"`
}

// Broker condition types.
const (
	BrokerConditionIngress        duck.ConditionType = "IngressReady"
	BrokerConditionFilter         duck.ConditionType = "FilterReady"
	BrokerConditionAddressable    duck.ConditionType = "Addressable"
	BrokerConditionDeadLetterSink duck.ConditionType = "DeadLetterSinkResolved"
)

// BrokerList is a list of Brokers.
//
// +kubebuilder:object:root=true
type BrokerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Broker `json:"items"`
}
