// Package features reads Knative's feature flags, the config-features
// ConfigMaps of knative-serving and knative-eventing, and owns the flags
// knsim honours with their Knative defaults (knative.dev/serving
// config/core/configmaps/features.yaml, knative.dev/eventing
// config/core/configmaps/features.yaml):
//
//   - serving multi-container (default enabled): a revision may have more
//     than one container; when not enabled, admission refuses one that does
//     with Knative's "multi-container is off, but found N containers".
//   - serving tag-header-based-routing (default disabled): a request whose
//     Knative-Serving-Tag header names one of its Route's tags goes to that
//     tag's revision.
//   - eventing cross-namespace-event-links (default disabled): a Trigger or
//     Subscription may reference objects in another namespace.
//   - eventing eventtype-auto-create (default disabled): Brokers and
//     channels create an EventType for each (type, source) they take.
//
// A value is "enabled", "disabled" or "allowed", in any case, as Knative
// parses them; any other value leaves the flag at its default (Knative logs
// a warning and does the same). A missing ConfigMap means every default.
package features
