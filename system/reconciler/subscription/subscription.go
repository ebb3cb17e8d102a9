package subscription

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
	"github.com/knsim/knsim/system/reconciler/subscription/resources"
	"github.com/knsim/knsim/system/resolver"
)

// Finalizer takes a deleted Subscription off its channel.
const Finalizer = "subscriptions.messaging.knative.dev"

// Subscription condition types, as in Knative.
const (
	ConditionReferencesResolved duck.ConditionType = "Resolved"
	ConditionAddedToChannel     duck.ConditionType = "AddedToChannel"
	ConditionChannelReady       duck.ConditionType = "ChannelReady"
)

var subscriptionConditions = duck.NewLivingConditionSet(ConditionReferencesResolved, ConditionAddedToChannel, ConditionChannelReady)

// Reconciler wires a Subscription into its channel.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each Subscription resolved.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*messagingv1.Subscription]{
		Kind:          "subscription",
		New:           func() *messagingv1.Subscription { return &messagingv1.Subscription{} },
		Status:        func(sub *messagingv1.Subscription) any { return &sub.Status },
		OnGone:        r.Tracker.Forget,
		OnDeleting:    r.Tracker.Forget,
		Finalizer:     Finalizer,
		FinalizeKind:  r.finalize,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the destinations and adds the Subscription to its
// channel.
func (r *Reconciler) reconcileKind(ctx context.Context, sub *messagingv1.Subscription) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := subscriptionConditions.Manage(&sub.Status.Status)
	conds.InitializeConditions(now)
	r.Tracker.Track(client.ObjectKeyFromObject(sub), append(resolver.Deps(sub.Namespace,
		sub.Spec.Subscriber, sub.Spec.Reply, resolver.DeadLetterDestination(sub.Spec.Delivery)),
		resolver.KeyOf(sub.Spec.Channel, sub.Namespace))...)

	ch, err := r.channel(ctx, sub)
	if err != nil {
		if !apierrors.IsNotFound(err) && !isUnknownKind(err) {
			return ctrl.Result{}, fmt.Errorf("reconciling subscription %s: %w", sub.Name, err)
		}
		conds.MarkFalse(ConditionReferencesResolved, "ChannelReferenceFailed", fmt.Sprintf("Failed to get spec.channel: %v", err), now)
		return ctrl.Result{}, nil
	}
	chStatus, err := chresources.Status(ch)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling subscription %s: %w", sub.Name, err)
	}
	chDelivery, err := channelDelivery(ch)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling subscription %s: %w", sub.Name, err)
	}
	resolved, rerr := r.resolve(ctx, sub, chStatus.DeadLetterSinkURI)
	sub.Status.PhysicalSubscription = messagingv1.PhysicalSubscription{
		SubscriberURI: resolved.SubscriberURI, ReplyURI: resolved.ReplyURI, DeadLetterSinkURI: resolved.DeadLetterSinkURI,
	}
	if rerr != nil {
		conds.MarkFalse(ConditionReferencesResolved, rerr.reason, fmt.Sprintf("Failed to resolve %s: %v", rerr.field, rerr.err), now)
		return ctrl.Result{}, nil
	}
	conds.MarkTrue(ConditionReferencesResolved, now)

	want := resources.MakeSubscriber(sub, resolved, resources.EffectiveDelivery(sub, chDelivery))
	if err := r.editSubscribers(ctx, sub, func(subs []duck.SubscriberSpec) ([]duck.SubscriberSpec, bool) {
		return resources.Upsert(subs, want)
	}); err != nil {
		conds.MarkFalse(ConditionAddedToChannel, "PhysicalChannelSyncFailed", fmt.Sprintf("Failed to sync physical channel: %v", err), now)
		return ctrl.Result{}, reconciler.WithStatus(fmt.Errorf("adding subscription %s to its channel: %w", sub.Name, err))
	}
	conds.MarkTrue(ConditionAddedToChannel, now)

	switch st := resources.Readiness(chStatus.Subscribers, string(sub.UID), sub.Generation); {
	case st == nil:
		conds.MarkUnknown(ConditionChannelReady, "SubscriptionNotMarkedReadyByChannel", "The channel has not yet reported this subscription.", now)
	case st.Ready == string(corev1.ConditionTrue):
		conds.MarkTrue(ConditionChannelReady, now)
	case st.Ready == string(corev1.ConditionFalse):
		conds.MarkFalse(ConditionChannelReady, "SubscriptionNotMarkedReadyByChannel", st.Message, now)
	default:
		conds.MarkUnknown(ConditionChannelReady, "SubscriptionNotMarkedReadyByChannel", st.Message, now)
	}
	sub.Status.ObservedGeneration = sub.Generation
	return ctrl.Result{}, nil
}

// resolveError says which destination failed to resolve.
type resolveError struct {
	reason, field string
	err           error
}

// resolve resolves the subscriber, reply and dead letter sink; a
// Subscription without a dead letter sink of its own inherits the
// channel's (chDLS).
func (r *Reconciler) resolve(ctx context.Context, sub *messagingv1.Subscription, chDLS string) (resources.Resolved, *resolveError) {
	res := resolver.New(r.Client)
	var out resources.Resolved
	var err error
	if d := sub.Spec.Subscriber; d != nil && (d.Ref != nil || d.URI != "") {
		if out.SubscriberURI, err = res.URIFromDestination(ctx, *d, sub.Namespace); err != nil {
			return out, &resolveError{"SubscriberResolveFailed", "spec.subscriber", err}
		}
	}
	if d := sub.Spec.Reply; d != nil && (d.Ref != nil || d.URI != "") {
		if out.ReplyURI, err = res.URIFromDestination(ctx, *d, sub.Namespace); err != nil {
			return out, &resolveError{"ReplyResolveFailed", "spec.reply", err}
		}
	}
	dls := res.ResolveDeadLetterSink(ctx, sub.Spec.Delivery, sub.Namespace)
	switch {
	case dls.Err != nil:
		return out, &resolveError{"DeadLetterSinkResolveFailed", "spec.delivery.deadLetterSink", dls.Err}
	case dls.Configured:
		out.DeadLetterSinkURI = dls.URI
	case sub.Spec.Delivery == nil:
		out.DeadLetterSinkURI = chDLS
	}
	return out, nil
}

// finalize takes a deleted Subscription off its channel; the driver then
// releases it.
func (r *Reconciler) finalize(ctx context.Context, sub *messagingv1.Subscription) error {
	err := r.editSubscribers(ctx, sub, func(subs []duck.SubscriberSpec) ([]duck.SubscriberSpec, bool) {
		return resources.Remove(subs, string(sub.UID))
	})
	if err != nil && !apierrors.IsNotFound(err) && !isUnknownKind(err) {
		return fmt.Errorf("removing subscription %s from its channel: %w", sub.Name, err)
	}
	return nil
}

// channel reads the Subscription's channel, whatever its kind.
func (r *Reconciler) channel(ctx context.Context, sub *messagingv1.Subscription) (*unstructured.Unstructured, error) {
	gv, err := schema.ParseGroupVersion(sub.Spec.Channel.APIVersion)
	if err != nil {
		return nil, fmt.Errorf("parsing spec.channel.apiVersion: %w", err)
	}
	ch := chresources.New(gv.WithKind(sub.Spec.Channel.Kind))
	if err := r.Get(ctx, client.ObjectKey{Namespace: sub.Namespace, Name: sub.Spec.Channel.Name}, ch); err != nil {
		return nil, fmt.Errorf("getting %s %s: %w", sub.Spec.Channel.Kind, sub.Spec.Channel.Name, err)
	}
	return ch, nil
}

// editSubscribers applies edit to the channel's spec.subscribers and writes
// the channel when edit changed them, retrying on conflicts with writers of
// other subscribers.
func (r *Reconciler) editSubscribers(ctx context.Context, sub *messagingv1.Subscription,
	edit func([]duck.SubscriberSpec) ([]duck.SubscriberSpec, bool)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		ch, err := r.channel(ctx, sub)
		if err != nil {
			return err
		}
		subs, err := chresources.Subscribers(ch)
		if err != nil {
			return err
		}
		subs, changed := edit(subs)
		if !changed {
			return nil
		}
		if err := chresources.SetSubscribers(ch, subs); err != nil {
			return err
		}
		return r.Update(ctx, ch)
	})
}

// channelDelivery reads the channel's spec.delivery.
func channelDelivery(ch *unstructured.Unstructured) (*duck.DeliverySpec, error) {
	raw, ok, err := unstructured.NestedMap(ch.Object, "spec", "delivery")
	if err != nil || !ok {
		return nil, err
	}
	d := &duck.DeliverySpec{}
	if err := runtimeConvert(raw, d); err != nil {
		return nil, fmt.Errorf("reading spec.delivery of %s %s: %w", ch.GetKind(), ch.GetName(), err)
	}
	return d, nil
}
