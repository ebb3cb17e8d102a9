package inmemorychannel

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/inmemorychannel/resources"
	"github.com/knsim/knsim/system/resolver"
)

// InMemoryChannel condition types, as in Knative.
const (
	ConditionDispatcherReady        duck.ConditionType = "DispatcherReady"
	ConditionAddressable            duck.ConditionType = "Addressable"
	ConditionDeadLetterSinkResolved duck.ConditionType = "DeadLetterSinkResolved"
)

var imcConditions = duck.NewLivingConditionSet(ConditionDispatcherReady, ConditionAddressable, ConditionDeadLetterSinkResolved)

// Reconciler publishes an InMemoryChannel's address and subscriber statuses.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns the dead letter sink each channel resolves.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	c := &messagingv1.InMemoryChannel{}
	if err := r.Get(ctx, req.NamespacedName, c); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Tracker.Forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if c.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := c.Status.DeepCopy()
	now := r.Clock.Now()
	conds := imcConditions.Manage(&c.Status.Status)
	conds.InitializeConditions(now)

	// The dispatcher runs in process: there is nothing to wait for.
	conds.MarkTrue(ConditionDispatcherReady, now)
	c.Status.Address = duck.Addressable{URL: resources.Address(c)}
	conds.MarkTrue(ConditionAddressable, now)
	c.Status.Subscribers = resources.SubscriberStatuses(c.Spec.Subscribers)
	r.Tracker.Track(req.NamespacedName, resolver.Deps(c.Namespace, resolver.DeadLetterDestination(c.Spec.Delivery))...)
	dls := resolver.New(r.Client).ResolveDeadLetterSink(ctx, c.Spec.Delivery, c.Namespace)
	c.Status.DeadLetterSinkURI = dls.URI
	dls.Mark(conds, ConditionDeadLetterSinkResolved, now)

	c.Status.ObservedGeneration = c.Generation
	if err := reconciler.UpdateStatus(ctx, r.Client, c, before, &c.Status); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling inmemorychannel: %w", err)
	}
	return ctrl.Result{}, nil
}
