package inmemorychannel

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channelable"
)

// Name is the controller's name.
const Name = "inmemorychannel"

// Reconciler reconciles InMemoryChannels.
type Reconciler = channelable.Reconciler[*messagingv1.InMemoryChannel]

func newObject() *messagingv1.InMemoryChannel { return &messagingv1.InMemoryChannel{} }

// New returns an InMemoryChannel reconciler without a dead-letter tracker.
func New(c client.Client, opts reconciler.Options) *Reconciler {
	return channelable.New(c, opts, Name, newObject)
}

// SetupWithManager registers the InMemoryChannel controller; it requeues a
// channel when the dead letter sink it resolved changes.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	return channelable.SetupWithManager(mgr, opts, Name, newObject)
}
