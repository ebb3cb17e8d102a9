package v1

import (
	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/fielderr"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// Validate checks a defaulted Broker: its config reference and its dead
// letter sink.
func (b *Broker) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if b.Spec.Config != nil {
		errs = errs.Also(messagingv1.ValidateKReference(*b.Spec.Config).ViaField("config"))
	}
	return errs.Also(messagingv1.ValidateDeliveryDestinations(b.Spec.Delivery).ViaField("delivery")).ViaField("spec")
}

// ValidateUpdate validates b and keeps its class: a Broker cannot move to
// another implementation.
func (b *Broker) ValidateUpdate(old *Broker) *fielderr.FieldError {
	errs := b.Validate()
	if old == nil {
		return errs
	}
	was, is := old.Annotations[BrokerClassAnnotationKey], b.Annotations[BrokerClassAnnotationKey]
	if was != "" && was != is {
		errs = errs.Also(fielderr.ErrDisallowedUpdate("metadata.annotations."+BrokerClassAnnotationKey, cmp.Diff(was, is)))
	}
	return errs
}

// Validate checks a defaulted Trigger's broker, subscriber and dead letter
// sink. Its filters are checked by the data plane's filter compiler, which
// the webhook runs too.
func (t *Trigger) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if t.Spec.Broker == "" {
		errs = errs.Also(fielderr.ErrMissingField("broker"))
	}
	return errs.Also(
		messagingv1.ValidateDestination(t.Spec.Subscriber).ViaField("subscriber"),
		messagingv1.ValidateDeliveryDestinations(t.Spec.Delivery).ViaField("delivery"),
	).ViaField("spec")
}

// ValidateUpdate validates t and keeps its broker.
func (t *Trigger) ValidateUpdate(old *Trigger) *fielderr.FieldError {
	errs := t.Validate()
	if old != nil && old.Spec.Broker != t.Spec.Broker {
		errs = errs.Also(fielderr.ErrDisallowedUpdate("spec.broker", cmp.Diff(old.Spec.Broker, t.Spec.Broker)))
	}
	return errs
}
