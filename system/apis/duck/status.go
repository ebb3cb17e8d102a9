package duck

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConditionType names a condition; "Ready" is the happy condition of most kinds.
type ConditionType string

// ConditionReady is the top-level condition of every living resource.
const ConditionReady ConditionType = "Ready"

// ConditionSeverity says whether a failing condition makes the resource fail.
// An empty severity means Error; Info conditions never affect Ready.
type ConditionSeverity string

const (
	// ConditionSeverityError is the default severity.
	ConditionSeverityError ConditionSeverity = ""
	// ConditionSeverityWarning marks a condition worth attention.
	ConditionSeverityWarning ConditionSeverity = "Warning"
	// ConditionSeverityInfo marks a purely informational condition.
	ConditionSeverityInfo ConditionSeverity = "Info"
)

// Condition is one observation of a resource's state, as in Knative.
type Condition struct {
	// Type of the condition.
	Type ConditionType `json:"type"`
	// Status is True, False or Unknown.
	Status corev1.ConditionStatus `json:"status"`
	// Severity of a False condition.
	// +optional
	Severity ConditionSeverity `json:"severity,omitempty"`
	// LastTransitionTime is when the status last changed.
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	// Reason is a one-word CamelCase cause.
	// +optional
	Reason string `json:"reason,omitempty"`
	// Message is a human-readable explanation.
	// +optional
	Message string `json:"message,omitempty"`
}

// IsTrue reports whether the condition is present and True.
func (c *Condition) IsTrue() bool { return c != nil && c.Status == corev1.ConditionTrue }

// IsFalse reports whether the condition is present and False.
func (c *Condition) IsFalse() bool { return c != nil && c.Status == corev1.ConditionFalse }

// IsUnknown reports whether the condition is absent or Unknown.
func (c *Condition) IsUnknown() bool { return c == nil || c.Status == corev1.ConditionUnknown }

// Status is the part of every knsim resource's status shared with Knative's
// duck type: the observed generation, the conditions and free annotations.
type Status struct {
	// ObservedGeneration is the generation the controller last acted on.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions are the latest observations of the resource's state.
	// +optional
	Conditions []Condition `json:"conditions,omitempty"`
	// Annotations carry controller state that is not a condition.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// GetCondition returns the condition of type t, or nil.
func (s *Status) GetCondition(t ConditionType) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}

// IsReady reports whether the Ready condition is True.
func (s *Status) IsReady() bool { return s.GetCondition(ConditionReady).IsTrue() }

// Addressable is the address of anything that can receive requests or events.
type Addressable struct {
	// Name distinguishes several addresses of one resource.
	// +optional
	Name *string `json:"name,omitempty"`
	// URL is where to send requests.
	// +optional
	URL string `json:"url,omitempty"`
}
