package features

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Where Knative keeps its feature flags.
const (
	// ConfigMapName is the name of both planes' feature-flag ConfigMap.
	ConfigMapName = "config-features"
	// ServingNamespace holds Serving's config-features.
	ServingNamespace = "knative-serving"
	// EventingNamespace holds Eventing's config-features.
	EventingNamespace = "knative-eventing"
)

// The flags knsim honours, by their keys in config-features.
const (
	// MultiContainerKey is Serving's multi-container flag.
	MultiContainerKey = "multi-container"
	// TagHeaderBasedRoutingKey is Serving's tag-header-based-routing flag.
	TagHeaderBasedRoutingKey = "tag-header-based-routing"
	// CrossNamespaceEventLinksKey is Eventing's cross-namespace-event-links flag.
	CrossNamespaceEventLinksKey = "cross-namespace-event-links"
	// EventTypeAutoCreateKey is Eventing's eventtype-auto-create flag.
	EventTypeAutoCreateKey = "eventtype-auto-create"
)

// Flag is a feature flag's state.
type Flag string

// Knative's flag states.
const (
	// Enabled turns the feature on.
	Enabled Flag = "Enabled"
	// Disabled turns it off.
	Disabled Flag = "Disabled"
	// Allowed lets each object opt in; for the flags knsim honours it
	// counts as off, as Knative's checks compare with Enabled.
	Allowed Flag = "Allowed"
)

// On reports whether the flag is Enabled.
func (f Flag) On() bool { return f == Enabled }

// Serving are the Serving flags knsim honours.
type Serving struct {
	// MultiContainer is multi-container (default Enabled).
	MultiContainer Flag
	// TagHeaderBasedRouting is tag-header-based-routing (default Disabled).
	TagHeaderBasedRouting Flag
}

// Eventing are the Eventing flags knsim honours.
type Eventing struct {
	// CrossNamespaceEventLinks is cross-namespace-event-links (default Disabled).
	CrossNamespaceEventLinks Flag
	// EventTypeAutoCreate is eventtype-auto-create (default Disabled).
	EventTypeAutoCreate Flag
}

// ServingDefaults are Knative Serving's defaults.
func ServingDefaults() Serving {
	return Serving{MultiContainer: Enabled, TagHeaderBasedRouting: Disabled}
}

// EventingDefaults are Knative Eventing's defaults.
func EventingDefaults() Eventing {
	return Eventing{CrossNamespaceEventLinks: Disabled, EventTypeAutoCreate: Disabled}
}

// ParseServing reads Serving's config-features data over the defaults.
// Serving also takes each key with the prefix features.knative.dev/.
func ParseServing(data map[string]string) Serving {
	s := ServingDefaults()
	parse(data, MultiContainerKey, &s.MultiContainer, true)
	parse(data, TagHeaderBasedRoutingKey, &s.TagHeaderBasedRouting, true)
	return s
}

// ParseEventing reads Eventing's config-features data over the defaults.
func ParseEventing(data map[string]string) Eventing {
	e := EventingDefaults()
	parse(data, CrossNamespaceEventLinksKey, &e.CrossNamespaceEventLinks, false)
	parse(data, EventTypeAutoCreateKey, &e.EventTypeAutoCreate, false)
	return e
}

// parse sets *f from data[key] when it holds a known state.
func parse(data map[string]string, key string, f *Flag, prefixed bool) {
	keys := []string{key}
	if prefixed {
		keys = append(keys, "features.knative.dev/"+key)
	}
	for _, k := range keys {
		raw, ok := data[k]
		if !ok {
			continue
		}
		for _, state := range []Flag{Enabled, Allowed, Disabled} {
			if strings.EqualFold(strings.TrimSpace(raw), string(state)) {
				*f = state
				return
			}
		}
	}
}

// ReadServing reads knative-serving/config-features; a missing ConfigMap
// gives the defaults.
func ReadServing(ctx context.Context, r client.Reader) (Serving, error) {
	data, err := read(ctx, r, ServingNamespace)
	if err != nil {
		return ServingDefaults(), err
	}
	return ParseServing(data), nil
}

// ReadEventing reads knative-eventing/config-features; a missing ConfigMap
// gives the defaults.
func ReadEventing(ctx context.Context, r client.Reader) (Eventing, error) {
	data, err := read(ctx, r, EventingNamespace)
	if err != nil {
		return EventingDefaults(), err
	}
	return ParseEventing(data), nil
}

func read(ctx context.Context, r client.Reader, ns string) (map[string]string, error) {
	cm := &corev1.ConfigMap{}
	switch err := r.Get(ctx, client.ObjectKey{Namespace: ns, Name: ConfigMapName}, cm); {
	case apierrors.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading %s/%s: %w", ns, ConfigMapName, err)
	}
	return cm.Data, nil
}
