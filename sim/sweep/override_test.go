package sweep

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/scenario"
)

// override applies path=value to the tiny scenario as a sweep point does:
// parse, check, apply, then the stack's and the scenario's validation.
func overrideTiny(t *testing.T, path, value string) (*scenario.Scenario, error) {
	t.Helper()
	sc, err := scenario.Load("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	if err := o.check(sc); err != nil {
		return nil, err
	}
	if err := o.apply(sc, value); err != nil {
		return nil, err
	}
	if err := checkStack(sc); err != nil {
		return nil, err
	}
	return sc, sc.Validate()
}

func annotation(sc *scenario.Scenario, key string) string {
	for _, m := range sc.Manifests {
		for _, o := range m.Objects {
			if o.GetKind() == "Service" {
				v, _, _ := unstructured.NestedString(o.Object, "spec", "template", "metadata", "annotations", key)
				return v
			}
		}
	}
	return "(no Service)"
}

func configData(sc *scenario.Scenario, name, key string) string {
	for _, m := range sc.Manifests {
		for _, o := range m.Objects {
			if o.GetKind() == "ConfigMap" && o.GetName() == name {
				v, _, _ := unstructured.NestedString(o.Object, "data", key)
				return fmt.Sprintf("%s/%s %s=%s (manifest 1 of %d: %s)", o.GetNamespace(), name, key, v, len(sc.Manifests), sc.Manifests[0].Objects[0].GetKind())
			}
		}
	}
	return "(no ConfigMap)"
}

func TestOverrides(t *testing.T) {
	for _, tc := range []struct {
		name, path, value string
		get               func(*scenario.Scenario) string
		want              string
	}{
		{"annotation of one Service", "services[hello].annotations[autoscaling.knative.dev/target]", "7",
			func(sc *scenario.Scenario) string { return annotation(sc, "autoscaling.knative.dev/target") }, "7"},
		{"annotation of every Service", "services[*].annotations[autoscaling.knative.dev/class]", "hpa.autoscaling.knative.dev",
			func(sc *scenario.Scenario) string { return annotation(sc, "autoscaling.knative.dev/class") }, "hpa.autoscaling.knative.dev"},
		{"namespaced Service", "services[default/hello].annotations[autoscaling.knative.dev/max-scale]", "3",
			func(sc *scenario.Scenario) string { return annotation(sc, "autoscaling.knative.dev/max-scale") }, "3"},
		{"ConfigMap the scenario lacks", "configmaps[config-autoscaler].stable-window", "10s",
			func(sc *scenario.Scenario) string { return configData(sc, "config-autoscaler", "stable-window") },
			"knative-serving/config-autoscaler stable-window=10s (manifest 1 of 2: ConfigMap)"},
		{"ConfigMap data key", "configmaps[knative-serving/config-autoscaler].data[enable-scale-to-zero]", "false",
			func(sc *scenario.Scenario) string { return configData(sc, "config-autoscaler", "enable-scale-to-zero") },
			"knative-serving/config-autoscaler enable-scale-to-zero=false (manifest 1 of 2: ConfigMap)"},
		{"node count", "cluster.nodes[0].count", "4",
			func(sc *scenario.Scenario) string { return fmt.Sprint(sc.Cluster.Nodes[0].Count) }, "4"},
		{"node CPU", "cluster.nodes[*].cpu", "2500m",
			func(sc *scenario.Scenario) string { return sc.Cluster.Nodes[0].CPU.String() }, "2500m"},
		{"node memory", "cluster.nodes[0].memory", "8Gi",
			func(sc *scenario.Scenario) string { return sc.Cluster.Nodes[0].Memory.String() }, "8Gi"},
		{"service-time mean", "workloads[hello].serviceTime.mean", "40ms",
			func(sc *scenario.Scenario) string {
				d := sc.Workloads["hello"].ServiceTime
				return fmt.Sprintf("%s %s", d.Type, d.Mean)
			}, "exponential 40ms"},
		{"service time as a constant", "workloads[*].serviceTime", "5ms",
			func(sc *scenario.Scenario) string {
				d := sc.Workloads["hello"].ServiceTime
				return fmt.Sprintf("%s %s", d.Type, d.Value)
			}, "constant 5ms"},
		{"price", "prices.vcpuSecond", "0.5", func(sc *scenario.Scenario) string { return fmt.Sprint(sc.Prices.VCPUSecond) }, "0.5"},
		{"duration", "metadata.duration", "1m", func(sc *scenario.Scenario) string { return sc.Metadata.Duration.String() }, "1m"},
		{"traffic rate", "traffic[0].rate.rps", "55", func(sc *scenario.Scenario) string { return fmt.Sprint(sc.Traffic[0].Rate.RPS) }, "55"},
		{"scheduling policy", "cluster.scheduling", "binpack", func(sc *scenario.Scenario) string { return string(sc.Cluster.Scheduling) }, "binpack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := overrideTiny(t, tc.path, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, tc.get(sc)); diff != "" {
				t.Errorf("%s=%s (-want +got):\n%s", tc.path, tc.value, diff)
			}
		})
	}
}

func TestBadOverrides(t *testing.T) {
	for _, tc := range []struct {
		name, path, value, want string
	}{
		{"unknown setting", "clusters.nodes[0].count", "1", `unknown setting "clusters"; a path starts with one of: services, configmaps, metadata, cluster`},
		{"unknown field", "cluster.nodes[0].cpus", "1", `cluster.nodes[0] has no field "cpus"; it has: name, count, cpu, memory, maxPods, labels`},
		{"index past the end", "cluster.nodes[3].count", "1", "cluster.nodes has 1 entries in the scenario; there is no [3]"},
		{"not an index", "cluster.nodes[first].count", "1", `cluster.nodes is a list: expected an index or *, got "first"`},
		{"a whole mapping", "cluster.pods", "1s", "cluster.pods is a mapping; name one of its fields"},
		{"unset pointer", "traffic[0].hey.c", "1", "traffic[0].hey is not set in the scenario"},
		{"missing map entry", "workloads[other].maxInFlight", "1", `workloads has no entry "other" in the scenario (it has: hello)`},
		{"integer expected", "cluster.nodes[0].count", "many", "expected an integer"},
		{"quantity expected", "cluster.nodes[0].memory", "lots", "expected a Kubernetes quantity"},
		{"duration expected", "workloads[hello].serviceTime.mean", "fast", "expected a duration"},
		{"scenario validation", "cluster.nodes[0].count", "0", "cluster.nodes[0].count"},
		{"unknown Service", "services[nope].annotations[autoscaling.knative.dev/target]", "1", "no Knative Service default/nope in the scenario's manifests; they define default/hello"},
		{"unknown annotation", "services[hello].annotations[autoscaling.knative.dev/tagret]", "1", "unknown annotation autoscaling.knative.dev/tagret"},
		{"annotation out of range", "services[hello].annotations[autoscaling.knative.dev/window]", "1s", "autoscaling.knative.dev/window"},
		{"annotation path shape", "services[hello].labels[x/y]", "1", "expected services[NAME].annotations[KEY]"},
		{"ConfigMap the stack does not read", "configmaps[knative-serving/config-deployment].queue-sidecar-image", "x",
			"no ConfigMap knative-serving/config-deployment in the scenario's manifests, and knsim's stack reads only config-autoscaler, config-br-default-channel, config-domain, config-features"},
		{"ConfigMap without namespace", "configmaps[config-deployment].x", "x", "name the ConfigMap's namespace"},
		{"unknown config-autoscaler key", "configmaps[config-autoscaler].stable-windw", "6s", `config-autoscaler has no key "stable-windw"`},
		{"bad config-autoscaler value", "configmaps[config-autoscaler].stable-window", "soon", "config-autoscaler: stable-window"},
		{"unclosed bracket", "cluster.nodes[0.count", "1", "a [ is not closed"},
		{"trailing dot", "prices.", "1", "ends with a dot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := overrideTiny(t, tc.path, tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s=%s: error %v, want it to contain %q", tc.path, tc.value, err, tc.want)
			}
		})
	}
}
