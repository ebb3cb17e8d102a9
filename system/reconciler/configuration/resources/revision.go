package resources

import (
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// RevisionName is the name of the Revision for the Configuration's current
// generation: the template's name when given, else `<config>-<generation>`
// with the generation in five digits (`helloworld-go-00001`), as Knative
// names it (names.Revision, through kmeta.ChildName for long names).
func RevisionName(cfg *servingv1.Configuration) string {
	if n := cfg.Spec.Template.Name; n != "" {
		return n
	}
	return kmeta.ChildName(cfg.Name, fmt.Sprintf("-%05d", cfg.Generation))
}

// MakeRevision stamps a Revision from the Configuration's template.
func MakeRevision(cfg *servingv1.Configuration) *servingv1.Revision {
	labels := kmeta.CopyMap(cfg.Spec.Template.Labels)
	labels[servingv1.ConfigurationLabelKey] = cfg.Name
	labels[servingv1.ConfigurationGenerationLabelKey] = strconv.FormatInt(cfg.Generation, 10)
	labels[servingv1.ConfigurationUIDLabelKey] = string(cfg.UID)
	if s := cfg.Labels[servingv1.ServiceLabelKey]; s != "" {
		labels[servingv1.ServiceLabelKey] = s
	}
	annotations := kmeta.CopyMap(cfg.Spec.Template.Annotations)
	for k, v := range cfg.Annotations {
		if _, set := annotations[k]; !set && kmeta.IsUserAnnotation(k) {
			annotations[k] = v
		}
	}
	return &servingv1.Revision{
		ObjectMeta: metav1.ObjectMeta{
			Name:            RevisionName(cfg),
			Namespace:       cfg.Namespace,
			Labels:          labels,
			Annotations:     annotations,
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(cfg, servingv1.SchemeGroupVersion.WithKind("Configuration"))},
		},
		Spec: *cfg.Spec.Template.Spec.DeepCopy(),
	}
}
