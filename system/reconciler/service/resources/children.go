package resources

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// MakeConfiguration builds the Configuration a Service owns.
func MakeConfiguration(s *servingv1.Service) *servingv1.Configuration {
	return &servingv1.Configuration{
		ObjectMeta: childMeta(s),
		Spec:       *s.Spec.ConfigurationSpec.DeepCopy(),
	}
}

// MakeRoute builds the Route a Service owns. Targets that follow the latest
// revision are pinned to the Service's own Configuration.
func MakeRoute(s *servingv1.Service) *servingv1.Route {
	r := &servingv1.Route{ObjectMeta: childMeta(s)}
	for _, t := range s.Spec.Traffic {
		t := *t.DeepCopy()
		if ptr.Deref(t.LatestRevision, t.RevisionName == "") {
			t.ConfigurationName = s.Name
		}
		r.Spec.Traffic = append(r.Spec.Traffic, t)
	}
	return r
}

func childMeta(s *servingv1.Service) metav1.ObjectMeta {
	labels := kmeta.CopyMap(s.Labels)
	labels[servingv1.ServiceLabelKey] = s.Name
	return metav1.ObjectMeta{
		Name:            s.Name,
		Namespace:       s.Namespace,
		Labels:          labels,
		Annotations:     kmeta.FilterMap(s.Annotations, kmeta.IsUserAnnotation),
		OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(s, servingv1.SchemeGroupVersion.WithKind("Service"))},
	}
}
