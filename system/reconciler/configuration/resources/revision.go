package resources

import (
	"hash/fnv"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// RevisionName is the name of the Revision for the Configuration's current
// generation: the template's name when given, else `<config>-<5 chars>`. The
// suffix is a hash of namespace, name and generation rather than random, so a
// replayed scenario produces the same names.
func RevisionName(cfg *servingv1.Configuration) string {
	if n := cfg.Spec.Template.Name; n != "" {
		return n
	}
	return cfg.Name + "-" + suffix(cfg.Namespace+"/"+cfg.Name+"/"+strconv.FormatInt(cfg.Generation, 10))
}

// alphabet avoids vowels and look-alike digits, as Kubernetes' generated names do.
const alphabet = "bcdfghjklmnpqrstvwxz2456789"

func suffix(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	v := h.Sum64()
	b := make([]byte, 5)
	for i := range b {
		b[i] = alphabet[v%uint64(len(alphabet))]
		v /= uint64(len(alphabet))
	}
	return string(b)
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
