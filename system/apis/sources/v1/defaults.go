package v1

import (
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// Defaults Knative applies to sources.
const (
	// DefaultSchedule fires every minute.
	DefaultSchedule = "* * * * *"
	// ReferenceMode sends references to changed objects.
	ReferenceMode = "Reference"
	// ResourceMode sends the changed objects themselves.
	ResourceMode = "Resource"
	// DefaultServiceAccountName is the adapter's service account.
	DefaultServiceAccountName = "default"
)

// SetDefaults fills in the schedule and the sink's namespace. The content
// type has no default, as in Knative.
func (s *PingSource) SetDefaults() {
	if s.Spec.Schedule == "" {
		s.Spec.Schedule = DefaultSchedule
	}
	messagingv1.DefaultDestination(&s.Spec.Sink, s.Namespace)
}

// SetDefaults picks Reference mode and the default service account.
func (s *ApiServerSource) SetDefaults() {
	if s.Spec.EventMode == "" {
		s.Spec.EventMode = ReferenceMode
	}
	if s.Spec.ServiceAccountName == "" {
		s.Spec.ServiceAccountName = DefaultServiceAccountName
	}
	messagingv1.DefaultDestination(&s.Spec.Sink, s.Namespace)
}

// SetDefaults defaults the sink's namespace.
func (s *ContainerSource) SetDefaults() {
	messagingv1.DefaultDestination(&s.Spec.Sink, s.Namespace)
}

// SetDefaults defaults the subject's and the sink's namespace.
func (s *SinkBinding) SetDefaults() {
	if s.Spec.Subject.Namespace == "" {
		s.Spec.Subject.Namespace = s.Namespace
	}
	messagingv1.DefaultDestination(&s.Spec.Sink, s.Namespace)
}
