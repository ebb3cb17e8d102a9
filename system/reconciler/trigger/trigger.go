package trigger

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channel"
	"github.com/knsim/knsim/system/reconciler/trigger/resources"
	"github.com/knsim/knsim/system/resolver"
)

var triggerConditions = duck.NewLivingConditionSet(
	eventingv1.TriggerConditionBroker,
	eventingv1.TriggerConditionSubscribed,
	eventingv1.TriggerConditionDependency,
	eventingv1.TriggerConditionSubscriberResolved,
	eventingv1.TriggerConditionDeadLetterSink,
)

// Reconciler subscribes a Trigger to its Broker and resolves its subscriber.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each Trigger's destinations refer to.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*eventingv1.Trigger]{
		Kind:          "trigger",
		New:           func() *eventingv1.Trigger { return &eventingv1.Trigger{} },
		Status:        func(t *eventingv1.Trigger) any { return &t.Status },
		OnGone:        r.Tracker.Forget,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the subscriber and subscribes the Trigger to its
// Broker.
func (r *Reconciler) reconcileKind(ctx context.Context, t *eventingv1.Trigger) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := triggerConditions.Manage(&t.Status.Status)
	conds.InitializeConditions(now)
	conds.MarkTrue(eventingv1.TriggerConditionDependency, now)
	r.Tracker.Track(client.ObjectKeyFromObject(t), resolver.Deps(t.Namespace, &t.Spec.Subscriber, resolver.DeadLetterDestination(t.Spec.Delivery))...)

	res := resolver.New(r.Client)
	if uri, err := res.URIFromDestination(ctx, t.Spec.Subscriber, t.Namespace); err != nil {
		t.Status.SubscriberURI = ""
		conds.MarkFalse(eventingv1.TriggerConditionSubscriberResolved, "Unable to get the Subscriber's URI", err.Error(), now)
	} else {
		t.Status.SubscriberURI = uri
		conds.MarkTrue(eventingv1.TriggerConditionSubscriberResolved, now)
	}

	b := &eventingv1.Broker{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: t.Namespace, Name: t.Spec.Broker}, b); apierrors.IsNotFound(err) {
		conds.MarkFalse(eventingv1.TriggerConditionBroker, "BrokerDoesNotExist", fmt.Sprintf("Broker %q does not exist", t.Spec.Broker), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("getting broker of trigger %s: %w", t.Name, err)
	}
	conds.Mirror(eventingv1.TriggerConditionBroker, b.Status.GetCondition(duck.ConditionReady),
		duck.MirrorChild("BrokerNotReady", "The Broker has not reported readiness yet."), now)
	r.deadLetterSink(ctx, res, t, b, conds, now)

	ch, ok := resources.ChannelRef(b)
	if !ok {
		conds.MarkUnknown(eventingv1.TriggerConditionSubscribed, "BrokerNotReady", "The Broker has not published its trigger channel yet.", now)
		return ctrl.Result{}, nil
	}
	sub, err := channel.EnsureSubscription(ctx, r.Client, t, resources.MakeSubscription(t, b, ch))
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(eventingv1.TriggerConditionSubscribed, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling subscription of trigger %s: %w", t.Name, err)
	}
	if sub.Status.ObservedGeneration != sub.Generation {
		conds.MarkUnknown(eventingv1.TriggerConditionSubscribed, "SubscriptionNotReconciled", "The Subscription has not caught up with its spec yet.", now)
	} else {
		conds.Mirror(eventingv1.TriggerConditionSubscribed, sub.Status.GetCondition(duck.ConditionReady),
			duck.MirrorChild("SubscriptionNotReady", "The Subscription has not reported readiness yet."), now)
	}
	t.Status.ObservedGeneration = t.Generation
	return ctrl.Result{}, nil
}

// deadLetterSink resolves the dead letter sink that applies to t: its own
// when t sets a delivery (which replaces the Broker's), else the one the
// Broker resolved.
func (r *Reconciler) deadLetterSink(ctx context.Context, res *resolver.Resolver, t *eventingv1.Trigger, b *eventingv1.Broker,
	conds duck.ConditionManager, now time.Time) {
	if t.Spec.Delivery != nil {
		dls := res.ResolveDeadLetterSink(ctx, t.Spec.Delivery, t.Namespace)
		t.Status.DeadLetterSinkURI = dls.URI
		dls.Mark(conds, eventingv1.TriggerConditionDeadLetterSink, now)
		return
	}
	t.Status.DeadLetterSinkURI = b.Status.DeadLetterSinkURI
	if resolver.DeadLetterDestination(b.Spec.Delivery) == nil {
		resolver.DeadLetterSink{}.Mark(conds, eventingv1.TriggerConditionDeadLetterSink, now)
		return
	}
	conds.Mirror(eventingv1.TriggerConditionDeadLetterSink, b.Status.GetCondition(eventingv1.BrokerConditionDeadLetterSink),
		duck.MirrorChild("BrokerNotReady", "The Broker has not resolved its dead letter sink yet."), now)
}
