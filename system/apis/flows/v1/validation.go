package v1

import (
	"github.com/knsim/knsim/system/apis/fielderr"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// Validate checks a defaulted Sequence: at least one step, each a valid
// destination, a channel template and an optional reply.
func (s *Sequence) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if len(s.Spec.Steps) == 0 {
		errs = errs.Also(fielderr.ErrMissingField("steps"))
	}
	for i := range s.Spec.Steps {
		st := &s.Spec.Steps[i]
		errs = errs.Also(messagingv1.ValidateDestination(st.Destination).
			Also(messagingv1.ValidateDeliveryDestinations(st.Delivery).ViaField("delivery")).
			ViaFieldIndex("steps", i))
	}
	return errs.Also(
		messagingv1.ValidateChannelTemplate(s.Spec.ChannelTemplate).ViaField("channelTemplate"),
		messagingv1.ValidateOptionalDestination(s.Spec.Reply).ViaField("reply"),
	).ViaField("spec")
}

// Validate checks a defaulted Parallel: at least one branch, each with a
// valid subscriber and optional filter and reply, and a channel template.
func (p *Parallel) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if len(p.Spec.Branches) == 0 {
		errs = errs.Also(fielderr.ErrMissingField("branches"))
	}
	for i := range p.Spec.Branches {
		b := &p.Spec.Branches[i]
		errs = errs.Also(messagingv1.ValidateOptionalDestination(b.Filter).ViaField("filter").Also(
			messagingv1.ValidateDestination(b.Subscriber).ViaField("subscriber"),
			messagingv1.ValidateOptionalDestination(b.Reply).ViaField("reply"),
			messagingv1.ValidateDeliveryDestinations(b.Delivery).ViaField("delivery"),
		).ViaFieldIndex("branches", i))
	}
	return errs.Also(
		messagingv1.ValidateChannelTemplate(p.Spec.ChannelTemplate).ViaField("channelTemplate"),
		messagingv1.ValidateOptionalDestination(p.Spec.Reply).ViaField("reply"),
	).ViaField("spec")
}
