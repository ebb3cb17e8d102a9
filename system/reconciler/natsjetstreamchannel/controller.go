package natsjetstreamchannel

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channelable"
)

// Name is the controller's name.
const Name = "natsjetstreamchannel"

// Reconciler reconciles NatsJetStreamChannels.
type Reconciler = channelable.Reconciler[*messagingv1alpha1.NatsJetStreamChannel]

func newObject() *messagingv1alpha1.NatsJetStreamChannel {
	return &messagingv1alpha1.NatsJetStreamChannel{}
}

// New returns a NatsJetStreamChannel reconciler without a dead-letter
// tracker.
func New(c client.Client, opts reconciler.Options) *Reconciler {
	return channelable.New(c, opts, Name, newObject)
}

// SetupWithManager registers the NatsJetStreamChannel controller; it
// requeues a channel when the dead letter sink it resolved changes.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	return channelable.SetupWithManager(mgr, opts, Name, newObject)
}
