package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// ServerlessService decides whether a Revision's traffic goes straight to its
// pods or through the activator.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sks,categories=all;knative-internal;networking
// +kubebuilder:printcolumn:name="Mode",type=string,JSONPath=".spec.mode"
// +kubebuilder:printcolumn:name="Activators",type=integer,JSONPath=".spec.numActivators"
// +kubebuilder:printcolumn:name="ServiceName",type=string,JSONPath=".status.serviceName"
// +kubebuilder:printcolumn:name="PrivateServiceName",type=string,JSONPath=".status.privateServiceName"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type ServerlessService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ServerlessServiceSpec `json:"spec,omitempty"`
	// +optional
	Status ServerlessServiceStatus `json:"status,omitempty"`
}

// ServerlessServiceMode is Serve or Proxy.
// +kubebuilder:validation:Enum=Serve;Proxy
type ServerlessServiceMode string

const (
	// SKSModeServe sends traffic straight to the pods.
	SKSModeServe ServerlessServiceMode = "Serve"
	// SKSModeProxy sends traffic through the activator.
	SKSModeProxy ServerlessServiceMode = "Proxy"
)

// ServerlessServiceSpec is the desired routing mode.
type ServerlessServiceSpec struct {
	// Mode is Serve or Proxy.
	Mode ServerlessServiceMode `json:"mode"`
	// NumActivators is how many activators front the Revision in Proxy mode.
	// +optional
	NumActivators int32 `json:"numActivators,omitempty"`
	// ObjectRef is the Deployment whose pods back the service.
	ObjectRef corev1.ObjectReference `json:"objectRef"`
	// ProtocolType is http1 or h2c.
	// +optional
	ProtocolType string `json:"protocolType,omitempty"`
}

// ServerlessService condition types.
const (
	// ServerlessServiceConditionReady is the top-level condition.
	ServerlessServiceConditionReady = duck.ConditionReady
	// ServerlessServiceConditionEndpointsPopulated is True when ready pods exist.
	ServerlessServiceConditionEndpointsPopulated duck.ConditionType = "EndpointsPopulated"
	// ActivatorEndpointsPopulated is True when the activator can take traffic.
	ActivatorEndpointsPopulated duck.ConditionType = "ActivatorEndpointsPopulated"
)

// ServerlessServiceStatus is the observed state of a ServerlessService.
type ServerlessServiceStatus struct {
	duck.Status `json:",inline"`

	// ServiceName is the public service traffic is sent to.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
	// PrivateServiceName selects the Revision's pods directly.
	// +optional
	PrivateServiceName string `json:"privateServiceName,omitempty"`
}

// ServerlessServiceList is a list of ServerlessServices.
//
// +kubebuilder:object:root=true
type ServerlessServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ServerlessService `json:"items"`
}
