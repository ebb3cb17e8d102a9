package v1beta2

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// EventType registers a kind of event that can be consumed from a Broker
// or a channel. Its printer columns are Knative's.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:resource:categories=all;knative;eventing
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=".spec.type"
// +kubebuilder:printcolumn:name="Source",type=string,JSONPath=".spec.source"
// +kubebuilder:printcolumn:name="Schema",type=string,JSONPath=".spec.schema"
// +kubebuilder:printcolumn:name="Reference Name",type=string,JSONPath=".spec.reference.name"
// +kubebuilder:printcolumn:name="Reference Kind",type=string,JSONPath=".spec.reference.kind"
// +kubebuilder:printcolumn:name="Description",type=string,JSONPath=".spec.description"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
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
