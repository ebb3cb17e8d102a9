package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/system/apis/duck"
)

func deployment(env ...any) *unstructured.Unstructured {
	c := map[string]any{"name": "app", "image": "x"}
	if len(env) > 0 {
		c["env"] = env
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers":     []any{c},
			"initContainers": []any{map[string]any{"name": "init", "image": "y"}},
		}}},
	}}
}

func envOf(t *testing.T, u *unstructured.Unstructured, path string) []any {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(u.Object, "spec", "template", "spec", path)
	env, _ := cs[0].(map[string]any)["env"].([]any)
	return env
}

func TestEnv(t *testing.T) {
	env, err := Env("http://sink", &duck.CloudEventOverrides{Extensions: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []corev1.EnvVar{{Name: "K_SINK", Value: "http://sink"}, {Name: "K_CE_OVERRIDES", Value: `{"extensions":{"team":"a"}}`}}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
}

func TestBindAndUnbind(t *testing.T) {
	sink := []corev1.EnvVar{{Name: "K_SINK", Value: "http://sink"}}
	u := deployment(map[string]any{"name": "TARGET", "value": "x"})
	changed, err := Bind(u, sink)
	if err != nil || !changed {
		t.Fatalf("Bind = %v, %v", changed, err)
	}
	want := []any{map[string]any{"name": "TARGET", "value": "x"}, map[string]any{"name": "K_SINK", "value": "http://sink"}}
	if diff := cmp.Diff(want, envOf(t, u, "containers")); diff != "" {
		t.Errorf("containers env (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{map[string]any{"name": "K_SINK", "value": "http://sink"}}, envOf(t, u, "initContainers")); diff != "" {
		t.Errorf("initContainers env (-want +got):\n%s", diff)
	}
	if changed, _ := Bind(u, sink); changed {
		t.Error("binding twice changed the object")
	}
	changed, _ = Bind(u, []corev1.EnvVar{{Name: "K_SINK", Value: "http://other"}})
	if !changed || envOf(t, u, "containers")[1].(map[string]any)["value"] != "http://other" {
		t.Errorf("rebinding to another sink: changed=%v env=%v", changed, envOf(t, u, "containers"))
	}
	changed, _ = Unbind(u)
	if !changed {
		t.Error("Unbind reported no change")
	}
	if diff := cmp.Diff([]any{map[string]any{"name": "TARGET", "value": "x"}}, envOf(t, u, "containers")); diff != "" {
		t.Errorf("after Unbind (-want +got):\n%s", diff)
	}
	if envOf(t, u, "initContainers") != nil {
		t.Errorf("initContainers keep env %v", envOf(t, u, "initContainers"))
	}
}
