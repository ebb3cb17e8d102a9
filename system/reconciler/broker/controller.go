package broker

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/broker/resources"
	"github.com/knsim/knsim/system/resolver"
)

// Name is the controller's name.
const Name = "broker"

// SetupWithManager registers the Broker controller: it watches the trigger
// channels Brokers own (InMemoryChannels and NatsJetStreamChannels), the
// channel configuration ConfigMaps and whatever their dead letter sinks
// refer to.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts, Tracker: resolver.NewTracker()}
	b := opts.NewController(mgr, Name, &eventingv1.Broker{}).
		Watches(opts.Owns(mgr, Name, &eventingv1.Broker{}, &messagingv1.InMemoryChannel{})).
		Watches(opts.Owns(mgr, Name, &eventingv1.Broker{}, &messagingv1alpha1.NatsJetStreamChannel{})).
		Watches(opts.Watch(Name, &corev1.ConfigMap{}, enqueueOnChannelConfig(mgr.GetClient())))
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(Name, w.Object, w.Handler))
	}
	return b.Complete(r)
}

// enqueueOnChannelConfig maps a ConfigMap to the Brokers whose channel
// configuration it is.
func enqueueOnChannelConfig(c client.Reader) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, cm client.Object) []reconcile.Request {
		if _, ok := cm.(*corev1.ConfigMap); !ok {
			return nil
		}
		var brokers eventingv1.BrokerList
		if err := c.List(ctx, &brokers); err != nil {
			log.FromContext(ctx).Error(err, "listing brokers to requeue", "configMap", client.ObjectKeyFromObject(cm))
			return nil
		}
		var reqs []reconcile.Request
		for i := range brokers.Items {
			if key, _ := resources.ChannelConfig(&brokers.Items[i]); key == client.ObjectKeyFromObject(cm) {
				reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&brokers.Items[i])})
			}
		}
		return reqs
	})
}
