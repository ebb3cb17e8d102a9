package broker

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	return reconciler.Driver[*eventingv1.Broker]{
		Kind:          "broker",
		New:           func() *eventingv1.Broker { return &eventingv1.Broker{} },
		Status:        func(b *eventingv1.Broker) any { return &b.Status },
		OnGone:        r.Tracker.Forget,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the dead letter sink, keeps the trigger channel and
// publishes the address.
func (r *Reconciler) reconcileKind(ctx context.Context, b *eventingv1.Broker) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := brokerConditions.Manage(&b.Status.Status)
	conds.InitializeConditions(now)

	// The ingress and filter are shared and run in process.
	conds.MarkTrue(eventingv1.BrokerConditionIngress, now)
	conds.MarkTrue(eventingv1.BrokerConditionFilter, now)

	r.Tracker.Track(client.ObjectKeyFromObject(b), resolver.Deps(b.Namespace, resolver.DeadLetterDestination(b.Spec.Delivery))...)
	dls := resolver.New(r.Client).ResolveDeadLetterSink(ctx, b.Spec.Delivery, b.Namespace)
	b.Status.DeadLetterSinkURI = dls.URI
	dls.Mark(conds, eventingv1.BrokerConditionDeadLetterSink, now)

	tmpl, err := r.channelTemplate(ctx, b)
	if err != nil {
		conds.MarkFalse(ConditionTriggerChannel, "ChannelTemplateFailed", err.Error(), now)
		return ctrl.Result{}, nil
	}
	want, err := resources.MakeTriggerChannel(b, tmpl)
	if err != nil {
		conds.MarkFalse(ConditionTriggerChannel, "ChannelTemplateFailed", err.Error(), now)
		return ctrl.Result{}, nil
	}
	ch, err := reconciler.EnsureChild(ctx, r.Client, b, want, chresources.New(want.GroupVersionKind()), mutateChannel)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(ConditionTriggerChannel, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling trigger channel of broker %s: %w", b.Name, err)
	}
	st, err := chresources.Status(ch)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling broker %s: %w", b.Name, err)
	}
	conds.Mirror(ConditionTriggerChannel, st.GetCondition(duck.ConditionReady),
		duck.MirrorChild("TriggerChannelNotReady", "The trigger channel has not reported readiness yet."), now)
	if st.Address.URL == "" {
		b.Status.Address = duck.Addressable{}
		conds.MarkUnknown(eventingv1.BrokerConditionAddressable, "NoAddress", "The trigger channel has no address yet.", now)
	} else {
		b.Status.Annotations = resources.ChannelAnnotations(ch, st.Address.URL)
		b.Status.Address = duck.Addressable{URL: resources.Address(b)}
		conds.MarkTrue(eventingv1.BrokerConditionAddressable, now)
	}
	b.Status.ObservedGeneration = b.Generation
	return ctrl.Result{}, nil
}

// channelTemplate is the trigger channel template b's channel
// configuration names; without one (no spec.config and no cluster default)
// it is nil, which means InMemoryChannel.
func (r *Reconciler) channelTemplate(ctx context.Context, b *eventingv1.Broker) (*messagingv1.ChannelTemplateSpec, error) {
	key, explicit := resources.ChannelConfig(b)
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, key, cm); err != nil {
		if apierrors.IsNotFound(err) && !explicit {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the channel configuration %s: %w", key, err)
	}
	return resources.ParseChannelTemplate(cm)
}

// mutateChannel syncs the labels, annotations and delivery the Broker owns;
// the subscribers belong to the Triggers' Subscriptions.
func mutateChannel(have, want *unstructured.Unstructured) bool {
	meta := reconciler.SyncMeta(have, want)
	return chresources.SyncSpec(have, want, "delivery") || meta
}
