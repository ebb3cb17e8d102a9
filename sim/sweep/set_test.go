package sweep

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/scenario"
)

// Set applies one override path to a loaded scenario, or says clearly why
// it cannot.
func TestSet(t *testing.T) {
	const src = `
metadata: {name: set, duration: 1m}
workloads:
  hello: {serviceTime: 100ms}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: hello, namespace: default}
      spec:
        template:
          spec:
            containers: [{image: app}]
`
	annotation := func(sc *scenario.Scenario) string {
		for _, o := range sc.Manifests[len(sc.Manifests)-1].Objects {
			v, _, _ := unstructured.NestedString(o.Object, "spec", "template", "metadata", "annotations", "autoscaling.knative.dev/target")
			return v
		}
		return ""
	}
	cm := func(sc *scenario.Scenario) string {
		v, _, _ := unstructured.NestedString(sc.Manifests[0].Objects[0].Object, "data", "stable-window")
		return v
	}
	for _, tc := range []struct {
		name, path, value string
		read              func(*scenario.Scenario) string
		want, wantErr     string
		missing           bool // a *MissingError
	}{
		{name: "annotation", path: "services[hello].annotations[autoscaling.knative.dev/target]", value: "7", read: annotation, want: "7"},
		{name: "every Service", path: "services[*].annotations[autoscaling.knative.dev/target]", value: "3", read: annotation, want: "3"},
		{name: "ConfigMap key", path: "configmaps[config-autoscaler].stable-window", value: "90s", read: cm, want: "90s"},
		{name: "scenario field", path: "workloads[hello].serviceTime.value", value: "150ms",
			read: func(sc *scenario.Scenario) string { return sc.Workloads["hello"].ServiceTime.Value.String() }, want: "150ms"},
		{name: "unknown Service", path: "services[nope].annotations[autoscaling.knative.dev/target]", value: "3",
			wantErr: "no Knative Service default/nope in the scenario's manifests; they define default/hello", missing: true},
		{name: "unknown annotation", path: "services[hello].annotations[autoscaling.knative.dev/targets]", value: "3", wantErr: "unknown annotation autoscaling.knative.dev/targets", missing: true},
		{name: "missing workload", path: "workloads[other].serviceTime.value", value: "1s", wantErr: "workloads[other]", missing: true},
		{name: "value the stack refuses", path: "services[hello].annotations[autoscaling.knative.dev/target]", value: "-1", wantErr: "Knative Service hello:"},
		{name: "bad ConfigMap value", path: "configmaps[config-autoscaler].stable-window", value: "soon", wantErr: "stable-window"},
		{name: "unknown path", path: "nodes[0].count", value: "3", wantErr: `unknown setting "nodes"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := scenario.Parse("set.yaml", []byte(src), ".")
			if err != nil {
				t.Fatal(err)
			}
			err = Set(sc, tc.path, tc.value)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Set: error %v, want one containing %q", err, tc.wantErr)
				}
				var me *MissingError
				if got := errors.As(err, &me); got != tc.missing {
					t.Errorf("Set: error %v is a *MissingError: %v, want %v", err, got, tc.missing)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, tc.read(sc)); diff != "" {
				t.Errorf("setting after Set (-want +got):\n%s", diff)
			}
		})
	}
}
