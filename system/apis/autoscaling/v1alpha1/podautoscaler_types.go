package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// PodAutoscaler scales a Revision's Deployment.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=kpa;pa,categories=all;knative-internal;autoscaling
// +kubebuilder:printcolumn:name="DesiredScale",type=integer,JSONPath=".status.desiredScale"
// +kubebuilder:printcolumn:name="ActualScale",type=integer,JSONPath=".status.actualScale"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type PodAutoscaler struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec PodAutoscalerSpec `json:"spec,omitempty"`
	// +optional
	Status PodAutoscalerStatus `json:"status,omitempty"`
}

// ReachabilityType says whether any Route sends traffic to the Revision.
type ReachabilityType string

const (
	// ReachabilityUnknown means routing is not yet known.
	ReachabilityUnknown ReachabilityType = ""
	// ReachabilityReachable means a Route targets the Revision.
	ReachabilityReachable ReachabilityType = "Reachable"
	// ReachabilityUnreachable means no Route targets the Revision.
	ReachabilityUnreachable ReachabilityType = "Unreachable"
)

// PodAutoscalerSpec is the desired scaling behaviour.
type PodAutoscalerSpec struct {
	// ContainerConcurrency copies the Revision's hard limit.
	// +optional
	ContainerConcurrency int64 `json:"containerConcurrency,omitempty"`
	// ScaleTargetRef is the Deployment to scale.
	ScaleTargetRef corev1.ObjectReference `json:"scaleTargetRef"`
	// Reachability says whether traffic can arrive.
	// +optional
	Reachability ReachabilityType `json:"reachability,omitempty"`
	// ProtocolType is http1 or h2c.
	// +optional
	ProtocolType string `json:"protocolType,omitempty"`
}

// PodAutoscaler condition types.
const (
	// PodAutoscalerConditionReady is the top-level condition.
	PodAutoscalerConditionReady = duck.ConditionReady
	// PodAutoscalerConditionActive is True while the Revision has pods serving.
	PodAutoscalerConditionActive duck.ConditionType = "Active"
	// PodAutoscalerConditionScaleTargetInitialized is True once initial scale was reached.
	PodAutoscalerConditionScaleTargetInitialized duck.ConditionType = "ScaleTargetInitialized"
	// PodAutoscalerConditionSKSReady mirrors the ServerlessService's Ready.
	PodAutoscalerConditionSKSReady duck.ConditionType = "SKSReady"
)

// PodAutoscalerStatus is the observed state of a PodAutoscaler.
type PodAutoscalerStatus struct {
	duck.Status `json:",inline"`

	// ServiceName is the ServerlessService's public service.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
	// MetricsServiceName is the service scraped for metrics.
	// +optional
	MetricsServiceName string `json:"metricsServiceName,omitempty"`
	// DesiredScale is the latest scale decision.
	// +optional
	DesiredScale *int32 `json:"desiredScale,omitempty"`
	// ActualScale is the number of ready pods.
	// +optional
	ActualScale *int32 `json:"actualScale,omitempty"`
}

// PodAutoscalerList is a list of PodAutoscalers.
//
// +kubebuilder:object:root=true
type PodAutoscalerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PodAutoscaler `json:"items"`
}
