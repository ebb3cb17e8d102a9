package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// PingSource sends an event on a cron schedule.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;sources
// +kubebuilder:printcolumn:name="Sink",type=string,JSONPath=".status.sinkUri"
// +kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=".spec.schedule"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type PingSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec PingSourceSpec `json:"spec,omitempty"`
	// +optional
	Status duck.SourceStatus `json:"status,omitempty"`
}

// PingSourceSpec is the schedule and the event's data.
type PingSourceSpec struct {
	duck.SourceSpec `json:",inline"`
	// Schedule is a cron expression (five fields).
	// +optional
	Schedule string `json:"schedule,omitempty"`
	// Timezone of the schedule (IANA name).
	// +optional
	Timezone string `json:"timezone,omitempty"`
	// ContentType of the data.
	// +optional
	ContentType string `json:"contentType,omitempty"`
	// Data is the event payload.
	// +optional
	Data string `json:"data,omitempty"`
	// DataBase64 is a binary payload; exclusive with Data.
	// +optional
	DataBase64 string `json:"dataBase64,omitempty"`
}

// PingSourceList is a list of PingSources.
//
// +kubebuilder:object:root=true
type PingSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PingSource `json:"items"`
}

// ApiServerSource sends an event for every change of watched Kubernetes resources.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;sources
// +kubebuilder:printcolumn:name="Sink",type=string,JSONPath=".status.sinkUri"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type ApiServerSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ApiServerSourceSpec `json:"spec,omitempty"`
	// +optional
	Status duck.SourceStatus `json:"status,omitempty"`
}

// ApiServerSourceSpec selects the resources to watch.
type ApiServerSourceSpec struct {
	duck.SourceSpec `json:",inline"`
	// Resources to watch.
	Resources []APIVersionKindSelector `json:"resources"`
	// ResourceOwner limits events to resources owned by this kind.
	// +optional
	ResourceOwner *APIVersionKind `json:"owner,omitempty"`
	// EventMode is Reference (default) or Resource.
	// +optional
	// +kubebuilder:validation:Enum=Reference;Resource
	EventMode string `json:"mode,omitempty"`
	// ServiceAccountName the adapter would run as.
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// NamespaceSelector picks namespaces to watch; default the source's own.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
}

// APIVersionKind names a kind.
type APIVersionKind struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// APIVersionKindSelector names a kind and optionally selects by label.
type APIVersionKindSelector struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// +optional
	LabelSelector *metav1.LabelSelector `json:"selector,omitempty"`
}

// ApiServerSourceList is a list of ApiServerSources.
//
// +kubebuilder:object:root=true
type ApiServerSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ApiServerSource `json:"items"`
}

// ContainerSource runs a container that produces events to K_SINK; in knsim
// the producer is simulated.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;sources
// +kubebuilder:printcolumn:name="Sink",type=string,JSONPath=".status.sinkUri"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type ContainerSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ContainerSourceSpec `json:"spec,omitempty"`
	// +optional
	Status duck.SourceStatus `json:"status,omitempty"`
}

// ContainerSourceSpec is the producer's pod template.
type ContainerSourceSpec struct {
	duck.SourceSpec `json:",inline"`
	// Template of the producer's pods.
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Template corev1.PodTemplateSpec `json:"template"`
}

// ContainerSourceList is a list of ContainerSources.
//
// +kubebuilder:object:root=true
type ContainerSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ContainerSource `json:"items"`
}

// SinkBinding injects K_SINK (and K_CE_OVERRIDES) into its subject's pods.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=all;knative;sources
// +kubebuilder:printcolumn:name="Sink",type=string,JSONPath=".status.sinkUri"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type SinkBinding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec SinkBindingSpec `json:"spec,omitempty"`
	// +optional
	Status duck.SourceStatus `json:"status,omitempty"`
}

// SinkBindingSpec names the subject whose pod template gets K_SINK.
type SinkBindingSpec struct {
	duck.SourceSpec `json:",inline"`
	// Subject is the object (e.g. a Deployment) to bind.
	Subject Reference `json:"subject"`
}

// Reference points at one object by name or at several by selector.
type Reference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// SinkBindingList is a list of SinkBindings.
//
// +kubebuilder:object:root=true
type SinkBindingList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SinkBinding `json:"items"`
}
