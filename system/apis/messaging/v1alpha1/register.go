package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// SchemeGroupVersion is messaging.knative.dev/v1alpha1.
	SchemeGroupVersion = schema.GroupVersion{Group: "messaging.knative.dev", Version: "v1alpha1"}
	// SchemeBuilder registers this group version's types.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}
	// AddToScheme adds this group version's types to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// NatsJetStreamChannelKind is the kind of the JetStream channel.
const NatsJetStreamChannelKind = "NatsJetStreamChannel"

func init() {
	SchemeBuilder.Register(&NatsJetStreamChannel{}, &NatsJetStreamChannelList{})
}
