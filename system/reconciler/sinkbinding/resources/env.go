package resources

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/system/apis/duck"
)

// Names of the injected environment variables.
const (
	SinkEnv        = "K_SINK"
	CEOverridesEnv = "K_CE_OVERRIDES"
)

// Env returns the variables a binding injects: K_SINK, and K_CE_OVERRIDES
// (the overrides as JSON, as Knative writes them) when o is set.
func Env(sinkURI string, o *duck.CloudEventOverrides) ([]corev1.EnvVar, error) {
	env := []corev1.EnvVar{{Name: SinkEnv, Value: sinkURI}}
	if o != nil {
		raw, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding ceOverrides: %w", err)
		}
		env = append(env, corev1.EnvVar{Name: CEOverridesEnv, Value: string(raw)})
	}
	return env, nil
}

// containerPaths are the container lists of a pod template, under
// spec.template.spec.
var containerPaths = [][]string{
	{"spec", "template", "spec", "containers"},
	{"spec", "template", "spec", "initContainers"},
}

// Bind sets env on every container of u's pod template (replacing variables
// of the same name in place, appending the others) and removes the
// injectable variables env does not set. It reports whether u changed.
func Bind(u *unstructured.Unstructured, env []corev1.EnvVar) (bool, error) {
	want := map[string]string{}
	for _, e := range env {
		want[e.Name] = e.Value
	}
	return edit(u, func(vars []any) ([]any, bool) {
		out := make([]any, 0, len(vars)+len(env))
		seen := map[string]bool{}
		changed := false
		for _, v := range vars {
			m, _ := v.(map[string]any)
			name, _ := m["name"].(string)
			value, isSet := want[name]
			switch {
			case isSet:
				seen[name] = true
				if m["value"] != value || len(m) != 2 {
					changed = true
				}
				out = append(out, map[string]any{"name": name, "value": value})
			case name == SinkEnv || name == CEOverridesEnv:
				changed = true // injected before, no longer wanted
			default:
				out = append(out, v)
			}
		}
		for _, e := range env {
			if !seen[e.Name] {
				out = append(out, map[string]any{"name": e.Name, "value": e.Value})
				changed = true
			}
		}
		return out, changed
	})
}

// Unbind removes K_SINK and K_CE_OVERRIDES from every container of u's pod
// template and reports whether u changed.
func Unbind(u *unstructured.Unstructured) (bool, error) {
	return Bind(u, nil)
}

// edit applies f to the env list of every container of u's pod template.
func edit(u *unstructured.Unstructured, f func([]any) ([]any, bool)) (bool, error) {
	changed := false
	for _, path := range containerPaths {
		containers, found, err := unstructured.NestedSlice(u.Object, path...)
		if err != nil {
			return false, fmt.Errorf("reading %v of %s %s: %w", path, u.GetKind(), u.GetName(), err)
		}
		if !found {
			continue
		}
		for i, c := range containers {
			m, ok := c.(map[string]any)
			if !ok {
				return false, fmt.Errorf("container %d of %s %s is not an object", i, u.GetKind(), u.GetName())
			}
			vars, _ := m["env"].([]any)
			out, ch := f(vars)
			if !ch {
				continue
			}
			changed = true
			if len(out) == 0 {
				delete(m, "env")
			} else {
				m["env"] = out
			}
		}
		if err := unstructured.SetNestedSlice(u.Object, containers, path...); err != nil {
			return false, fmt.Errorf("writing %v of %s %s: %w", path, u.GetKind(), u.GetName(), err)
		}
	}
	return changed, nil
}
