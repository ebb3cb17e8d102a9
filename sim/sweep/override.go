package sweep

import (
	"fmt"
	"slices"
	"strings"

	"github.com/knsim/knsim/sim/scenario"
)

// override sets one setting of a loaded scenario.
type override interface {
	// check reports whether the setting exists in sc, without changing it.
	check(sc *scenario.Scenario) error
	// apply sets the setting to value, checking the value's type.
	apply(sc *scenario.Scenario, value string) error
}

// parsePath turns an override path into the override it names.
func parsePath(p string) (override, error) {
	steps, err := splitPath(p)
	if err != nil {
		return nil, err
	}
	switch steps[0].name {
	case "services":
		return parseServicePath(p, steps)
	case "configmaps":
		return parseConfigMapPath(p, steps)
	}
	if _, ok := fieldByName(scenarioType, steps[0].name); !ok {
		names := append([]string{"services", "configmaps"}, jsonNames(scenarioType)...)
		return nil, fmt.Errorf("%q: unknown setting %q; a path starts with one of: %s", p, steps[0].name, strings.Join(names, ", "))
	}
	return fieldOverride{path: p, steps: steps}, nil
}

func parseServicePath(p string, steps []step) (override, error) {
	const form = "services[NAME].annotations[KEY]"
	if len(steps) != 2 || len(steps[0].keys) != 1 || steps[1].name != "annotations" || len(steps[1].keys) != 1 {
		return nil, fmt.Errorf("%q: expected %s (NAME a Knative Service, namespace/name, or * for all)", p, form)
	}
	key := steps[1].keys[0]
	if !strings.Contains(key, "/") {
		return nil, fmt.Errorf("%q: annotation keys have a prefix, e.g. autoscaling.knative.dev/target", p)
	}
	return serviceOverride{path: p, service: steps[0].keys[0], key: key}, nil
}

func parseConfigMapPath(p string, steps []step) (override, error) {
	const form = "configmaps[NAME].KEY or configmaps[NAME].data[KEY]"
	if len(steps[0].keys) != 1 {
		return nil, fmt.Errorf("%q: expected %s", p, form)
	}
	o := configMapOverride{path: p}
	o.namespace, o.name = splitConfigMap(steps[0].keys[0])
	switch {
	case len(steps) == 2 && steps[1].name == "data" && len(steps[1].keys) == 1:
		o.key = steps[1].keys[0]
	case len(steps) == 2 && len(steps[1].keys) == 0:
		o.key = steps[1].name
	default:
		return nil, fmt.Errorf("%q: expected %s", p, form)
	}
	if o.namespace == "" {
		return nil, fmt.Errorf("%q: name the ConfigMap's namespace (namespace/%s): knsim's stack does not read %s", p, o.name, o.name)
	}
	return o, nil
}

// knownConfigMaps are the ConfigMaps knsim's stack reads, and their
// namespaces.
var knownConfigMaps = map[string]string{
	"config-autoscaler":         "knative-serving",
	"config-domain":             "knative-serving",
	"config-features":           "knative-eventing",
	"config-br-default-channel": "knative-eventing",
}

// splitConfigMap reads "namespace/name" or a known ConfigMap's bare name.
func splitConfigMap(ref string) (ns, name string) {
	if ns, name, ok := strings.Cut(ref, "/"); ok {
		return ns, name
	}
	return knownConfigMaps[ref], ref
}

func knownConfigMapList() string {
	var names []string
	for k := range knownConfigMaps {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
