package broker

import (
	"context"
	"errors"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/broker/resources"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
	"github.com/knsim/knsim/system/resolver"
)

// ConditionTriggerChannel is Knative's TriggerChannelReady condition.
const ConditionTriggerChannel duck.ConditionType = "TriggerChannelReady"

var brokerConditions = duck.NewLivingConditionSet(
	eventingv1.BrokerConditionIngress,
	ConditionTriggerChannel,
	eventingv1.BrokerConditionFilter,
	eventingv1.BrokerConditionAddressable,
	eventingv1.BrokerConditionDeadLetterSink,
)

// Reconciler keeps a Broker's trigger channel and publishes its address.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns the dead letter sink each Broker resolves.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	b := &eventingv1.Broker{}
	if err := r.Get(ctx, req.NamespacedName, b); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Tracker.Forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if b.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := b.Status.DeepCopy()
	now := r.Clock.Now()
	conds := brokerConditions.Manage(&b.Status.Status)
	conds.InitializeConditions(now)

	// The ingress and filter are shared and run in process.
	conds.MarkTrue(eventingv1.BrokerConditionIngress, now)
	conds.MarkTrue(eventingv1.BrokerConditionFilter, now)

	r.Tracker.Track(req.NamespacedName, resolver.Deps(b.Namespace, resolver.DeadLetterDestination(b.Spec.Delivery))...)
	dls := resolver.New(r.Client).ResolveDeadLetterSink(ctx, b.Spec.Delivery, b.Namespace)
	b.Status.DeadLetterSinkURI = dls.URI
	dls.Mark(conds, eventingv1.BrokerConditionDeadLetterSink, now)

	ch, err := reconciler.EnsureChild(ctx, r.Client, b, resources.MakeTriggerChannel(b), &messagingv1.InMemoryChannel{}, mutateChannel)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(ConditionTriggerChannel, "NotOwned", err.Error(), now)
		return ctrl.Result{}, r.writeStatus(ctx, b, before)
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling trigger channel of broker %s: %w", b.Name, err)
	}
	chresources.MirrorReady(conds, ConditionTriggerChannel, ch.Status.GetCondition(duck.ConditionReady),
		"TriggerChannelNotReady", "The trigger channel has not reported readiness yet.", now)
	if ch.Status.Address.URL == "" {
		b.Status.Address = duck.Addressable{}
		conds.MarkUnknown(eventingv1.BrokerConditionAddressable, "NoAddress", "The trigger channel has no address yet.", now)
	} else {
		b.Status.Annotations = resources.ChannelAnnotations(ch, ch.Status.Address.URL)
		b.Status.Address = duck.Addressable{URL: resources.Address(b)}
		conds.MarkTrue(eventingv1.BrokerConditionAddressable, now)
	}
	b.Status.ObservedGeneration = b.Generation
	return ctrl.Result{}, r.writeStatus(ctx, b, before)
}

func (r *Reconciler) writeStatus(ctx context.Context, b *eventingv1.Broker, before *eventingv1.BrokerStatus) error {
	if err := reconciler.UpdateStatus(ctx, r.Client, b, before, &b.Status); err != nil {
		return fmt.Errorf("reconciling broker: %w", err)
	}
	return nil
}

// mutateChannel syncs the labels, annotations and delivery the Broker owns;
// the subscribers belong to the Triggers' Subscriptions.
func mutateChannel(have, want *messagingv1.InMemoryChannel) bool {
	meta := reconciler.SyncMeta(have, want)
	return reconciler.Sync(&have.Spec.Delivery, want.Spec.Delivery) || meta
}
