// Package filter compiles a Trigger's filter into a Filter that decides, per
// CloudEvent, whether the Trigger's subscriber gets it.
//
// It mirrors knative.dev/eventing's pkg/eventfilter/attributes and
// pkg/eventfilter/subscriptionsapi:
//
//   - spec.filter.attributes: every key must match exactly; a value of ""
//     means "present and non-empty".
//   - spec.filters (wins over spec.filter when non-empty): a list ANDed
//     together, each item holding one dialect: exact, prefix, suffix, all,
//     any, not or cesql (CloudEvents SQL, parsed once by
//     github.com/cloudevents/sdk-go/sql/v2).
//   - Extensions are attributes; an attribute missing from the event fails
//     exact, prefix and suffix.
//   - A Trigger with neither matches everything (NoFilter).
//
// Results combine as in Knative: NoFilter is neutral under And and Or; Not
// keeps NoFilter. An item that Knative's filter handler would skip (no
// dialect set, or an exact/prefix/suffix entry with an empty value) is
// NoFilter here.
//
// Small, documented differences from Knative: attribute values are compared
// as their canonical CloudEvents string (so an integer extension "5" matches
// whether the event came in binary mode, as a string, or structured mode, as
// a number), and an event without a time has no "time" attribute.
//
// Validate checks filters at admission and reports field paths such as
// spec.filters[1].cesql. A compiled Filter is immutable and safe for
// concurrent use.
package filter
