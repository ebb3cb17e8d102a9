package v1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// SchemeGroupVersion is eventing.knative.dev/v1.
	SchemeGroupVersion = schema.GroupVersion{Group: "eventing.knative.dev", Version: "v1"}

	// SchemeBuilder registers this group's types.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}

	// AddToScheme adds this group's types to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func init() {
	SchemeBuilder.Register(&Broker{}, &BrokerList{}, &Trigger{}, &TriggerList{})
}
