package v1

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/knsim/knsim/system/apis/fielderr"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// jsonContentType is the content type whose data must be valid JSON.
const jsonContentType = "application/json"

// ParseSchedule parses a five-field cron schedule in timezone (an IANA
// name; empty means UTC), as Knative's PingSource does.
func ParseSchedule(schedule, timezone string) (cron.Schedule, error) {
	if timezone != "" {
		schedule = "CRON_TZ=" + timezone + " " + schedule
	}
	return cron.ParseStandard(schedule)
}

// Validate checks a defaulted PingSource: the schedule and timezone, data
// or dataBase64 (not both), JSON data when the content type says so, and
// the sink.
func (s *PingSource) Validate() *fielderr.FieldError {
	sp := &s.Spec
	var errs *fielderr.FieldError
	if _, err := ParseSchedule(sp.Schedule, sp.Timezone); err != nil {
		value, path := sp.Schedule, "schedule"
		if sp.Timezone != "" && strings.Contains(err.Error(), "location") {
			value, path = sp.Timezone, "timezone"
		}
		errs = errs.Also(fielderr.ErrInvalidValue(value, path, err.Error()))
	}
	switch {
	case sp.Data != "" && sp.DataBase64 != "":
		errs = errs.Also(fielderr.ErrMultipleOneOf("data", "dataBase64"))
	case sp.DataBase64 != "":
		decoded, err := base64.StdEncoding.DecodeString(sp.DataBase64)
		if err != nil {
			errs = errs.Also(fielderr.ErrInvalidValue(sp.DataBase64, "dataBase64", err.Error()))
		} else if sp.ContentType == jsonContentType && !json.Valid(decoded) {
			errs = errs.Also(fielderr.ErrInvalidValue(sp.DataBase64, "dataBase64", "decoded data is not valid JSON"))
		}
	case sp.Data != "" && sp.ContentType == jsonContentType && !json.Valid([]byte(sp.Data)):
		errs = errs.Also(fielderr.ErrInvalidValue(sp.Data, "data", "not valid JSON"))
	}
	return errs.Also(messagingv1.ValidateDestination(sp.Sink).ViaField("sink")).ViaField("spec")
}

// Validate checks a defaulted ApiServerSource: at least one resource, each
// with an apiVersion and kind, the mode, the owner and the sink.
func (s *ApiServerSource) Validate() *fielderr.FieldError {
	sp := &s.Spec
	var errs *fielderr.FieldError
	if len(sp.Resources) == 0 {
		errs = errs.Also(fielderr.ErrMissingField("resources"))
	}
	for i, r := range sp.Resources {
		errs = errs.Also(validateAPIVersionKind(r.APIVersion, r.Kind).ViaFieldIndex("resources", i))
	}
	if sp.ResourceOwner != nil {
		errs = errs.Also(validateAPIVersionKind(sp.ResourceOwner.APIVersion, sp.ResourceOwner.Kind).ViaField("owner"))
	}
	switch sp.EventMode {
	case ReferenceMode, ResourceMode:
	default:
		errs = errs.Also(fielderr.ErrInvalidValue(sp.EventMode, "mode", "must be Reference or Resource"))
	}
	return errs.Also(messagingv1.ValidateDestination(sp.Sink).ViaField("sink")).ViaField("spec")
}

func validateAPIVersionKind(apiVersion, kind string) *fielderr.FieldError {
	var errs *fielderr.FieldError
	if apiVersion == "" {
		errs = errs.Also(fielderr.ErrMissingField("apiVersion"))
	} else if _, err := schema.ParseGroupVersion(apiVersion); err != nil {
		errs = errs.Also(fielderr.ErrInvalidValue(apiVersion, "apiVersion", err.Error()))
	}
	if strings.TrimSpace(kind) == "" {
		errs = errs.Also(fielderr.ErrMissingField("kind"))
	}
	return errs
}

// Validate checks a ContainerSource: at least one container, each with an
// image, and the sink.
func (s *ContainerSource) Validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	cs := s.Spec.Template.Spec.Containers
	if len(cs) == 0 {
		errs = errs.Also(fielderr.ErrMissingField("template.spec.containers"))
	}
	for i, c := range cs {
		if c.Image == "" {
			errs = errs.Also(fielderr.ErrMissingField("image").ViaFieldIndex("template.spec.containers", i))
		}
	}
	return errs.Also(messagingv1.ValidateDestination(s.Spec.Sink).ViaField("sink")).ViaField("spec")
}

// Validate checks a defaulted SinkBinding: a subject with apiVersion and
// kind naming its objects by name or by selector (exactly one), and the sink.
func (s *SinkBinding) Validate() *fielderr.FieldError {
	sub := &s.Spec.Subject
	errs := validateAPIVersionKind(sub.APIVersion, sub.Kind)
	switch {
	case sub.Name != "" && sub.Selector != nil:
		errs = errs.Also(fielderr.ErrMultipleOneOf("name", "selector"))
	case sub.Name == "" && sub.Selector == nil:
		errs = errs.Also(fielderr.ErrMissingOneOf("name", "selector"))
	}
	return errs.ViaField("subject").
		Also(messagingv1.ValidateDestination(s.Spec.Sink).ViaField("sink")).ViaField("spec")
}
