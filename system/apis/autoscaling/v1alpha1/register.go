package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// SchemeGroupVersion is autoscaling.internal.knative.dev/v1alpha1.
	SchemeGroupVersion = schema.GroupVersion{Group: "autoscaling.internal.knative.dev", Version: "v1alpha1"}

	// SchemeBuilder registers this group's types.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}

	// AddToScheme adds this group's types to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func init() {
	SchemeBuilder.Register(&PodAutoscaler{}, &PodAutoscalerList{})
}
