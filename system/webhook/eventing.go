package webhook

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

// EventingKinds are the eventing, messaging, flows and sources kinds the
// webhooks default and validate.
var EventingKinds = []schema.GroupVersionKind{
	eventingv1.SchemeGroupVersion.WithKind("Broker"),
	eventingv1.SchemeGroupVersion.WithKind("Trigger"),
	eventingv1beta2.SchemeGroupVersion.WithKind("EventType"),
	messagingv1.SchemeGroupVersion.WithKind("Channel"),
	messagingv1.SchemeGroupVersion.WithKind("InMemoryChannel"),
	messagingv1alpha1.SchemeGroupVersion.WithKind(messagingv1alpha1.NatsJetStreamChannelKind),
	messagingv1.SchemeGroupVersion.WithKind("Subscription"),
	flowsv1.SchemeGroupVersion.WithKind("Sequence"),
	flowsv1.SchemeGroupVersion.WithKind("Parallel"),
	sourcesv1.SchemeGroupVersion.WithKind("PingSource"),
	sourcesv1.SchemeGroupVersion.WithKind("ApiServerSource"),
	sourcesv1.SchemeGroupVersion.WithKind("ContainerSource"),
	sourcesv1.SchemeGroupVersion.WithKind("SinkBinding"),
}

// registerEventing serves the webhooks of every kind in EventingKinds.
func registerEventing(mgr ctrl.Manager) []error {
	return []error{
		register(mgr, &eventingv1.Broker{}),
		register(mgr, &eventingv1.Trigger{}),
		register(mgr, &eventingv1beta2.EventType{}),
		register(mgr, &messagingv1.Channel{}),
		register(mgr, &messagingv1.InMemoryChannel{}),
		register(mgr, &messagingv1alpha1.NatsJetStreamChannel{}),
		register(mgr, &messagingv1.Subscription{}),
		register(mgr, &flowsv1.Sequence{}),
		register(mgr, &flowsv1.Parallel{}),
		register(mgr, &sourcesv1.PingSource{}),
		register(mgr, &sourcesv1.ApiServerSource{}),
		register(mgr, &sourcesv1.ContainerSource{}),
		register(mgr, &sourcesv1.SinkBinding{}),
	}
}
