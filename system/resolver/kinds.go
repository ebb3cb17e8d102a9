package resolver

import (
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// AddressableKinds returns a fresh typed object of every addressable kind
// knsim serves, for controllers that watch whatever they resolve. Other
// kinds still resolve; their changes are just not watched.
func AddressableKinds() []client.Object {
	return []client.Object{
		&servingv1.Service{},
		&corev1.Service{},
		&eventingv1.Broker{},
		&messagingv1.Channel{},
		&messagingv1.InMemoryChannel{},
		&flowsv1.Sequence{},
		&flowsv1.Parallel{},
	}
}
