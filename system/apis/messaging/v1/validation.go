package v1

import (
	"net/url"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/apis/fielderr"
)

// ValidateKReference requires apiVersion, kind and name; paths are relative
// to the reference.
func ValidateKReference(r duck.KReference) *fielderr.FieldError {
	var missing []string
	if r.APIVersion == "" {
		missing = append(missing, "apiVersion")
	}
	if r.Kind == "" {
		missing = append(missing, "kind")
	}
	if r.Name == "" {
		missing = append(missing, "name")
	}
	if len(missing) > 0 {
		return fielderr.ErrMissingField(missing...)
	}
	return nil
}

// ValidateDestination checks a destination as Knative does: a ref, an
// absolute URI, or a ref with a URI relative to it. Paths are relative to
// the destination.
func ValidateDestination(d duck.Destination) *fielderr.FieldError {
	if d.Ref == nil && d.URI == "" {
		return fielderr.ErrGeneric("expected at least one, got none", "ref", "uri")
	}
	var u *url.URL
	if d.URI != "" {
		var err error
		if u, err = url.Parse(d.URI); err != nil {
			return fielderr.ErrInvalidValue(d.URI, "uri", err.Error())
		}
	}
	switch {
	case d.Ref != nil && u != nil && u.IsAbs():
		return fielderr.ErrGeneric("Absolute URI is not allowed when Ref or [apiVersion, kind, name] exists", "ref", "uri")
	case d.Ref == nil && (!u.IsAbs() || u.Host == ""):
		return fielderr.ErrInvalidValue("Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent", "uri")
	case d.Ref != nil:
		return ValidateKReference(*d.Ref).ViaField("ref")
	}
	return nil
}

// ValidateOptionalDestination validates d when it is set.
func ValidateOptionalDestination(d *duck.Destination) *fielderr.FieldError {
	if d == nil {
		return nil
	}
	return ValidateDestination(*d)
}

// ValidateDeliveryDestinations checks the dead letter sink of a delivery
// spec when it names a ref or a URI. The numeric and duration fields, and
// an empty dead letter sink, are the data plane's to check (the webhook
// joins both). Paths are relative to the delivery spec.
func ValidateDeliveryDestinations(d *duck.DeliverySpec) *fielderr.FieldError {
	if d == nil || d.DeadLetterSink == nil || (d.DeadLetterSink.Ref == nil && d.DeadLetterSink.URI == "") {
		return nil
	}
	return ValidateDestination(*d.DeadLetterSink).ViaField("deadLetterSink")
}

// ValidateChannelTemplate requires a template naming apiVersion and kind.
func ValidateChannelTemplate(t *ChannelTemplateSpec) *fielderr.FieldError {
	if t == nil {
		return fielderr.ErrMissingField("")
	}
	var missing []string
	if t.APIVersion == "" {
		missing = append(missing, "apiVersion")
	}
	if t.Kind == "" {
		missing = append(missing, "kind")
	}
	if len(missing) > 0 {
		return fielderr.ErrMissingField(missing...)
	}
	return nil
}

// Validate checks the subscribers and the delivery of any channel kind;
// paths are relative to the spec.
func (cs *ChannelableSpec) Validate() *fielderr.FieldError { return cs.validate() }

// validate checks the subscribers and the delivery; paths are relative to
// the spec.
func (cs *ChannelableSpec) validate() *fielderr.FieldError {
	errs := ValidateDeliveryDestinations(cs.Delivery).ViaField("delivery")
	for i, s := range cs.Subscribers {
		if s.SubscriberURI == "" && s.ReplyURI == "" {
			fe := fielderr.ErrMissingField("replyUri", "subscriberUri")
			fe.Details = "expected at least one of, got none"
			errs = errs.Also(fe.ViaFieldIndex("subscribers", i))
		}
	}
	return errs
}

// Validate checks a defaulted Channel.
func (c *Channel) Validate() *fielderr.FieldError {
	return ValidateChannelTemplate(c.Spec.ChannelTemplate).ViaField("channelTemplate").
		Also(c.Spec.validate()).ViaField("spec")
}

// ValidateUpdate validates c and keeps its channelTemplate: changing the
// backing channel kind is not atomic, so Knative refuses it.
func (c *Channel) ValidateUpdate(old *Channel) *fielderr.FieldError {
	errs := c.Validate()
	if old == nil || old.Spec.ChannelTemplate == nil {
		return errs
	}
	if d := cmp.Diff(old.Spec.ChannelTemplate, c.Spec.ChannelTemplate); d != "" {
		errs = errs.Also(fielderr.ErrDisallowedUpdate("spec.channelTemplate", d))
	}
	return errs
}

// Validate checks an InMemoryChannel.
func (c *InMemoryChannel) Validate() *fielderr.FieldError { return c.Spec.validate().ViaField("spec") }

// Validate checks a defaulted Subscription: a channel, and a subscriber or
// a reply (or both).
func (s *Subscription) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if s.Spec.Channel == (duck.KReference{}) {
		fe := fielderr.ErrMissingField("channel")
		fe.Details = "the Subscription must reference a channel"
		errs = errs.Also(fe)
	} else {
		errs = errs.Also(ValidateKReference(s.Spec.Channel).ViaField("channel"))
	}
	if isEmpty(s.Spec.Subscriber) && isEmpty(s.Spec.Reply) {
		fe := fielderr.ErrMissingField("reply", "subscriber")
		fe.Details = "the Subscription must reference at least one of (reply or a subscriber)"
		errs = errs.Also(fe)
	}
	if !isEmpty(s.Spec.Subscriber) {
		errs = errs.Also(ValidateDestination(*s.Spec.Subscriber).ViaField("subscriber"))
	}
	if !isEmpty(s.Spec.Reply) {
		errs = errs.Also(ValidateDestination(*s.Spec.Reply).ViaField("reply"))
	}
	return errs.Also(ValidateDeliveryDestinations(s.Spec.Delivery).ViaField("delivery")).ViaField("spec")
}

// ValidateUpdate validates s and keeps its channel: only the subscriber,
// reply and delivery may change.
func (s *Subscription) ValidateUpdate(old *Subscription) *fielderr.FieldError {
	errs := s.Validate()
	if old == nil {
		return errs
	}
	if d := cmp.Diff(old.Spec.Channel, s.Spec.Channel); d != "" {
		errs = errs.Also(fielderr.ErrDisallowedUpdate("spec.channel", d))
	}
	return errs
}

func isEmpty(d *duck.Destination) bool { return d == nil || (d.Ref == nil && d.URI == "") }
