package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// Revision is an immutable snapshot of code and configuration.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=rev,categories=all;knative;serving
// +kubebuilder:printcolumn:name="Config Name",type=string,JSONPath=".metadata.labels['serving\\.knative\\.dev/configuration']"
// +kubebuilder:printcolumn:name="Generation",type=string,JSONPath=".metadata.labels['serving\\.knative\\.dev/configurationGeneration']"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
// +kubebuilder:printcolumn:name="Actual Replicas",type=integer,JSONPath=".status.actualReplicas"
// +kubebuilder:printcolumn:name="Desired Replicas",type=integer,JSONPath=".status.desiredReplicas"
type Revision struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec RevisionSpec `json:"spec,omitempty"`
	// +optional
	Status RevisionStatus `json:"status,omitempty"`
}

// RevisionSpec is a pod spec plus the serving settings of one Revision.
type RevisionSpec struct {
	corev1.PodSpec `json:",inline"`

	// ContainerConcurrency is the hard limit of concurrent requests per pod;
	// 0 means unlimited.
	// +optional
	ContainerConcurrency *int64 `json:"containerConcurrency,omitempty"`

	// TimeoutSeconds is the maximum duration of a request.
	// +optional
	TimeoutSeconds *int64 `json:"timeoutSeconds,omitempty"`

	// ResponseStartTimeoutSeconds bounds the wait for the first response byte.
	// +optional
	ResponseStartTimeoutSeconds *int64 `json:"responseStartTimeoutSeconds,omitempty"`

	// IdleTimeoutSeconds bounds the time a request may go without bytes.
	// +optional
	IdleTimeoutSeconds *int64 `json:"idleTimeoutSeconds,omitempty"`
}

// RevisionTemplateSpec is the template a Configuration stamps Revisions from.
type RevisionTemplateSpec struct {
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec RevisionSpec `json:"spec,omitempty"`
}

// Revision condition types.
const (
	// RevisionConditionReady is the Revision's top-level condition.
	RevisionConditionReady = duck.ConditionReady
	// RevisionConditionResourcesAvailable is True once the Deployment is available.
	RevisionConditionResourcesAvailable duck.ConditionType = "ResourcesAvailable"
	// RevisionConditionContainerHealthy is True once a pod has passed readiness.
	RevisionConditionContainerHealthy duck.ConditionType = "ContainerHealthy"
	// RevisionConditionActive says whether the Revision has pods (informational).
	RevisionConditionActive duck.ConditionType = "Active"
)

// RevisionStatus is the observed state of a Revision.
type RevisionStatus struct {
	duck.Status `json:",inline"`

	// LogURL links to the Revision's logs.
	// +optional
	LogURL string `json:"logUrl,omitempty"`

	// ContainerStatuses records the image digests the Revision runs.
	// +optional
	ContainerStatuses []ContainerStatus `json:"containerStatuses,omitempty"`

	// ActualReplicas is the number of ready pods.
	// +optional
	ActualReplicas *int32 `json:"actualReplicas,omitempty"`

	// DesiredReplicas is the number of pods the autoscaler asks for.
	// +optional
	DesiredReplicas *int32 `json:"desiredReplicas,omitempty"`
}

// ContainerStatus holds a container's name and resolved image digest.
type ContainerStatus struct {
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	ImageDigest string `json:"imageDigest,omitempty"`
}

// RevisionList is a list of Revisions.
//
// +kubebuilder:object:root=true
type RevisionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Revision `json:"items"`
}
