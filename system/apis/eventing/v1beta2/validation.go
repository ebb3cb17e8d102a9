package v1beta2

import (
	"github.com/knsim/knsim/system/apis/fielderr"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// Validate requires the event type and a complete reference when one is set.
func (e *EventType) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if e.Spec.Type == "" {
		errs = errs.Also(fielderr.ErrMissingField("type"))
	}
	if e.Spec.Reference != nil {
		errs = errs.Also(messagingv1.ValidateKReference(*e.Spec.Reference).ViaField("reference"))
	}
	return errs.ViaField("spec")
}

// SetDefaults defaults the namespace of the EventType's reference.
func (e *EventType) SetDefaults() {
	if e.Spec.Reference != nil && e.Spec.Reference.Namespace == "" {
		e.Spec.Reference.Namespace = e.Namespace
	}
}
