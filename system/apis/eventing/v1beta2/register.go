package v1beta2

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// SchemeGroupVersion is eventing.knative.dev/v1beta2.
	SchemeGroupVersion = schema.GroupVersion{Group: "eventing.knative.dev", Version: "v1beta2"}

	// SchemeBuilder registers this version's types.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}

	// AddToScheme adds this version's types to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func init() {
	SchemeBuilder.Register(&EventType{}, &EventTypeList{})
}
