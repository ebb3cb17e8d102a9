package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
)

// Route maps a network endpoint to one or more Revisions by percent and tag.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=rt,categories=all;knative;serving
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=".status.url"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=".status.conditions[?(@.type=='Ready')].reason"
type Route struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec RouteSpec `json:"spec,omitempty"`
	// +optional
	Status RouteStatus `json:"status,omitempty"`
}

// RouteSpec lists the traffic targets.
type RouteSpec struct {
	// Traffic splits requests between Revisions.
	// +optional
	Traffic []TrafficTarget `json:"traffic,omitempty"`
}

// TrafficTarget sends a percent of traffic (and an optional tag host) to a
// Revision or to a Configuration's latest ready Revision.
type TrafficTarget struct {
	// Tag gives the target its own URL, http://{tag}-{route}.{namespace}.{domain}.
	// +optional
	Tag string `json:"tag,omitempty"`
	// RevisionName pins the target to one Revision.
	// +optional
	RevisionName string `json:"revisionName,omitempty"`
	// ConfigurationName follows a Configuration's latest ready Revision.
	// +optional
	ConfigurationName string `json:"configurationName,omitempty"`
	// LatestRevision follows the latest ready Revision; it defaults to true
	// exactly when RevisionName is empty.
	// +optional
	LatestRevision *bool `json:"latestRevision,omitempty"`
	// Percent of traffic for this target; nil means 0.
	// +optional
	Percent *int64 `json:"percent,omitempty"`
	// URL is the tag's URL, set in status only.
	// +optional
	URL string `json:"url,omitempty"`
}

// Route condition types.
const (
	// RouteConditionReady is the Route's top-level condition.
	RouteConditionReady = duck.ConditionReady
	// RouteConditionAllTrafficAssigned is True once every target resolved to a ready Revision.
	RouteConditionAllTrafficAssigned duck.ConditionType = "AllTrafficAssigned"
	// RouteConditionIngressReady is True once the gateway routes the Route.
	RouteConditionIngressReady duck.ConditionType = "IngressReady"
	// RouteConditionCertificateProvisioned reports TLS (knsim serves plain HTTP).
	RouteConditionCertificateProvisioned duck.ConditionType = "CertificateProvisioned"
)

// RouteStatusFields are shared by Route and Service status.
type RouteStatusFields struct {
	// URL is the Route's external URL.
	// +optional
	URL string `json:"url,omitempty"`
	// Address is the Route's cluster-internal address.
	// +optional
	Address *duck.Addressable `json:"address,omitempty"`
	// Traffic holds the resolved targets.
	// +optional
	Traffic []TrafficTarget `json:"traffic,omitempty"`
}

// RouteStatus is the observed state of a Route.
type RouteStatus struct {
	duck.Status       `json:",inline"`
	RouteStatusFields `json:",inline"`
}

// RouteList is a list of Routes.
//
// +kubebuilder:object:root=true
type RouteList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Route `json:"items"`
}
