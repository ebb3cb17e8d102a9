package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// EventType registers a kind of event that can be consumed from a Broker.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;eventing
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=".spec.type"
// +kubebuilder:printcolumn:name="Source",type=string,JSONPath=".spec.source"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
type EventType struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec EventTypeSpec `json:"spec,omitempty"`
	// +optional
	Status duck.Status `json:"status,omitempty"`
}

// EventTypeSpec describes the event.
type EventTypeSpec struct {
	// Type is the CloudEvents type.
	Type string `json:"type"`
	// Source is the CloudEvents source.
	// +optional
	Source string `json:"source,omitempty"`
	// Schema is a URI of the data schema.
	// +optional
	Schema string `json:"schema,omitempty"`
	// Reference is the Broker (or channel) the event can be consumed from.
	// +optional
	Reference *duck.KReference `json:"reference,omitempty"`
	// Description is for humans.
	// +optional
	Description string `json:"description,omitempty"`
}

// EventTypeList is a list of EventTypes.
//
// +kubebuilder:object:root=true
type EventTypeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []EventType `json:"items"`
}
