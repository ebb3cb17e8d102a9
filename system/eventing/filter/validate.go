package filter

import (
	"regexp"
	"sort"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/apis/fielderr"
)

// attributeName is Knative's rule for attribute names in filters: a lower
// case letter, then lower case letters and digits.
var attributeName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Messages of the validation errors.
const (
	msgAttributeName  = "Attribute name must start with a letter and can only contain lowercase alphanumeric"
	msgMultiDialect   = "multiple dialects found, filters can have only one dialect set"
	msgInvalidCESQL   = "invalid CESQL expression"
	msgInvalidKeyName = "invalid key name"
)

// Validate checks a Trigger's spec.filters at admission and returns nil or
// an error whose paths are rooted at the Trigger, e.g. spec.filters[1].cesql.
func Validate(filters []eventingv1.SubscriptionsAPIFilter) error {
	return ValidateFilters(filters).ViaField("spec", "filters").Err()
}

// ValidateSpec checks both spec.filter and spec.filters of a TriggerSpec;
// paths are relative to the spec (filter.attributes[x], filters[0].exact[y]).
func ValidateSpec(spec *eventingv1.TriggerSpec) *fielderr.FieldError {
	if spec == nil {
		return nil
	}
	var errs *fielderr.FieldError
	if spec.Filter != nil {
		errs = errs.Also(ValidateAttributeNames(spec.Filter.Attributes).ViaField("filter", "attributes"))
	}
	return errs.Also(ValidateFilters(spec.Filters).ViaField("filters"))
}

// ValidateFilters checks a filters list: each item sets at most one
// dialect, attribute names follow Knative's rule, and CESQL expressions
// parse; nested all/any/not items are checked the same way. Paths are
// relative to the list ([1].cesql, [0].all[2].exact[Type]).
func ValidateFilters(filters []eventingv1.SubscriptionsAPIFilter) *fielderr.FieldError {
	var errs *fielderr.FieldError
	for i := range filters {
		errs = errs.Also(validateItem(&filters[i]).ViaIndex(i))
	}
	return errs
}

// validateItem checks one SubscriptionsAPIFilter; paths are relative to it.
func validateItem(f *eventingv1.SubscriptionsAPIFilter) *fielderr.FieldError {
	if f == nil {
		return nil
	}
	var errs *fielderr.FieldError
	if n := dialects(f); n > 1 {
		errs = errs.Also(fielderr.ErrGeneric(msgMultiDialect, ""))
	}
	errs = errs.Also(
		ValidateAttributeNames(f.Exact).ViaField("exact"),
		ValidateAttributeNames(f.Prefix).ViaField("prefix"),
		ValidateAttributeNames(f.Suffix).ViaField("suffix"),
		ValidateFilters(f.All).ViaField("all"),
		ValidateFilters(f.Any).ViaField("any"),
		validateItem(f.Not).ViaField("not"),
	)
	if f.CESQL != "" {
		if _, err := ParseCESQL(f.CESQL); err != nil {
			errs = errs.Also(fielderr.ErrInvalidValue(f.CESQL, "cesql", msgInvalidCESQL+": "+err.Error()))
		}
	}
	return errs
}

// dialects counts the dialects set on f.
func dialects(f *eventingv1.SubscriptionsAPIFilter) int {
	n := 0
	for _, set := range []bool{
		len(f.Exact) > 0, len(f.Prefix) > 0, len(f.Suffix) > 0,
		len(f.All) > 0, len(f.Any) > 0, f.Not != nil, f.CESQL != "",
	} {
		if set {
			n++
		}
	}
	return n
}

// ValidateAttributeNames checks the keys of an attribute map; each bad key
// is reported at [key].
func ValidateAttributeNames(attrs map[string]string) *fielderr.FieldError {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs *fielderr.FieldError
	for _, k := range keys {
		if !attributeName.MatchString(k) {
			errs = errs.Also(&fielderr.FieldError{
				Message: msgInvalidKeyName + ": " + k,
				Paths:   []string{"[" + k + "]"},
				Details: msgAttributeName,
			})
		}
	}
	return errs
}
