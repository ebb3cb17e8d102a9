package sweep

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/apis/autoscaling"
	asconfig "github.com/knsim/knsim/system/autoscaler/config"
)

// serviceOverride sets a revision-template annotation of the scenario's
// Knative Services (the manifests applied before traffic starts; a
// Service an action applies later keeps what that action says).
type serviceOverride struct {
	path, service, key string
}

// services lists the Knative Service objects of the scenario's manifests
// that ref names ("name", "namespace/name" or "*").
func services(sc *scenario.Scenario, ref string) ([]*unstructured.Unstructured, []string) {
	var match []*unstructured.Unstructured
	var all []string
	wantNS, wantName := scenario.SplitService(ref)
	for _, m := range sc.Manifests {
		for _, o := range m.Objects {
			if o.GetKind() != "Service" || !strings.HasPrefix(o.GetAPIVersion(), "serving.knative.dev/") {
				continue
			}
			ns := o.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			all = append(all, ns+"/"+o.GetName())
			if ref == "*" || ns == wantNS && o.GetName() == wantName {
				match = append(match, o)
			}
		}
	}
	return match, all
}

func (o serviceOverride) check(sc *scenario.Scenario) error {
	match, all := services(sc, o.service)
	if len(match) == 0 {
		if len(all) == 0 {
			return fmt.Errorf("the scenario's manifests define no Knative Service")
		}
		ns, name := scenario.SplitService(o.service)
		return fmt.Errorf("no Knative Service %s/%s in the scenario's manifests; they define %s", ns, name, strings.Join(all, ", "))
	}
	if strings.HasPrefix(o.key, autoscaling.GroupName+"/") && !knownAnnotation(o.key) {
		return fmt.Errorf("unknown annotation %s; the %s annotations are: %s", o.key, autoscaling.GroupName, strings.Join(autoscalingKeys, ", "))
	}
	return nil
}

func (o serviceOverride) apply(sc *scenario.Scenario, value string) error {
	match, _ := services(sc, o.service)
	for _, svc := range match {
		ann, _, err := unstructured.NestedStringMap(svc.Object, "spec", "template", "metadata", "annotations")
		if err != nil {
			return fmt.Errorf("service %s: %w", svc.GetName(), err)
		}
		if ann == nil {
			ann = map[string]string{}
		}
		ann[o.key] = value
		if err := unstructured.SetNestedStringMap(svc.Object, ann, "spec", "template", "metadata", "annotations"); err != nil {
			return err
		}
	}
	return nil
}

// autoscalingKeys are the autoscaling.knative.dev annotations knsim reads.
var autoscalingKeys = []string{
	autoscaling.ActivationScaleKey, autoscaling.ClassAnnotationKey, autoscaling.InitialScaleAnnotationKey,
	autoscaling.MaxScaleAnnotationKey, autoscaling.MetricAnnotationKey, autoscaling.MetricAggregationAlgorithmKey,
	autoscaling.MinScaleAnnotationKey, autoscaling.PanicThresholdPercentageAnnotationKey,
	autoscaling.PanicWindowPercentageAnnotationKey, autoscaling.ScaleDownDelayAnnotationKey,
	autoscaling.ScaleToZeroPodRetentionPeriodKey, autoscaling.ScheduledMinScaleAnnotationKey,
	autoscaling.TargetAnnotationKey, autoscaling.TargetBurstCapacityKey,
	autoscaling.TargetUtilizationPercentageKey, autoscaling.WindowAnnotationKey,
}

func knownAnnotation(k string) bool {
	for _, a := range autoscalingKeys {
		if a == k {
			return true
		}
	}
	return false
}

// configMapOverride sets a key of a ConfigMap: the one the scenario's
// manifests define, or a new one applied before them when the stack reads
// that ConfigMap and the scenario leaves it at its defaults.
type configMapOverride struct {
	path, namespace, name, key string
}

// configMap finds the ConfigMap in the scenario's first manifests.
func (o configMapOverride) configMap(sc *scenario.Scenario) *unstructured.Unstructured {
	for _, m := range sc.Manifests {
		for _, obj := range m.Objects {
			if obj.GetKind() == "ConfigMap" && obj.GetAPIVersion() == "v1" && obj.GetName() == o.name && obj.GetNamespace() == o.namespace {
				return obj
			}
		}
	}
	return nil
}

func (o configMapOverride) check(sc *scenario.Scenario) error {
	if o.configMap(sc) == nil && knownConfigMaps[o.name] != o.namespace {
		return fmt.Errorf("no ConfigMap %s/%s in the scenario's manifests, and knsim's stack reads only %s", o.namespace, o.name, knownConfigMapList())
	}
	if o.name == asconfig.ConfigMapName && o.namespace == knownConfigMaps[o.name] {
		if unknown := asconfig.UnknownKeys(map[string]string{o.key: ""}); len(unknown) > 0 {
			return fmt.Errorf("%s has no key %q", o.name, o.key)
		}
	}
	return nil
}

func (o configMapOverride) apply(sc *scenario.Scenario, value string) error {
	cm := o.configMap(sc)
	if cm == nil {
		cm = &unstructured.Unstructured{Object: map[string]any{}}
		cm.SetAPIVersion("v1")
		cm.SetKind("ConfigMap")
		cm.SetName(o.name)
		cm.SetNamespace(o.namespace)
		// First, so the stack reads it before the Services it configures.
		sc.Manifests = append([]scenario.Manifest{{Inline: "# set by the sweep", Objects: []*unstructured.Unstructured{cm}}}, sc.Manifests...)
	}
	return unstructured.SetNestedField(cm.Object, value, "data", o.key)
}

// checkStack validates the settings the overrides changed as the stack
// will: the Services' autoscaling annotations and config-autoscaler, once
// every override of a point is in (min-scale and max-scale are checked
// together).
func checkStack(sc *scenario.Scenario) error {
	for _, m := range sc.Manifests {
		for _, obj := range m.Objects {
			switch {
			case obj.GetKind() == "Service" && strings.HasPrefix(obj.GetAPIVersion(), "serving.knative.dev/"):
				ann, _, _ := unstructured.NestedStringMap(obj.Object, "spec", "template", "metadata", "annotations")
				if err := autoscaling.ValidateAnnotations(ann).Err(); err != nil {
					return fmt.Errorf("Knative Service %s: %v", obj.GetName(), err)
				}
			case obj.GetKind() == "ConfigMap" && obj.GetName() == asconfig.ConfigMapName && obj.GetNamespace() == knownConfigMaps[asconfig.ConfigMapName]:
				data, _, _ := unstructured.NestedStringMap(obj.Object, "data")
				if _, err := asconfig.NewConfigFromMap(data); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
