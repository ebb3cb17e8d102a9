package channel

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channel/resources"
)

// Channel condition types, as in Knative.
const (
	ConditionBackingChannelReady    duck.ConditionType = "BackingChannelReady"
	ConditionAddressable            duck.ConditionType = "Addressable"
	ConditionDeadLetterSinkResolved duck.ConditionType = "DeadLetterSinkResolved"
)

var channelConditions = duck.NewLivingConditionSet(ConditionBackingChannelReady, ConditionAddressable, ConditionDeadLetterSinkResolved)

// Reconciler keeps a Channel's backing channel in line and mirrors it.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*messagingv1.Channel]{
		Kind:          "channel",
		New:           func() *messagingv1.Channel { return &messagingv1.Channel{} },
		Status:        func(c *messagingv1.Channel) any { return &c.Status },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind keeps the backing channel and mirrors its status.
func (r *Reconciler) reconcileKind(ctx context.Context, c *messagingv1.Channel) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := channelConditions.Manage(&c.Status.Status)
	conds.InitializeConditions(now)

	want, err := resources.MakeBackingChannel(c)
	if err != nil {
		conds.MarkFalse(ConditionBackingChannelReady, "InvalidChannelTemplate", err.Error(), now)
		return ctrl.Result{}, nil
	}
	backing, err := reconciler.EnsureChild(ctx, r.Client, c, want, resources.New(want.GroupVersionKind()), mutateBacking)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(ConditionBackingChannelReady, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling backing channel of channel %s: %w", c.Name, err)
	}
	ref := resources.Ref(c.Spec.ChannelTemplate, c.Namespace, c.Name)
	c.Status.Channel = &ref

	st, err := resources.Status(backing)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling channel %s: %w", c.Name, err)
	}
	conds.Mirror(ConditionBackingChannelReady, st.GetCondition(duck.ConditionReady),
		duck.MirrorChild("BackingChannelNotReady", "The backing channel has not reported readiness yet."), now)
	c.Status.Address = st.Address
	if st.Address.URL == "" {
		conds.MarkUnknown(ConditionAddressable, "BackingChannelNotAddressable", "The backing channel has no address yet.", now)
	} else {
		conds.MarkTrue(ConditionAddressable, now)
	}
	c.Status.Subscribers = st.Subscribers
	c.Status.DeliveryStatus = st.DeliveryStatus
	conds.Mirror(ConditionDeadLetterSinkResolved, st.GetCondition(ConditionDeadLetterSinkResolved),
		duck.MirrorChild("BackingChannelNotReady", "The backing channel has not resolved its dead letter sink yet."), now)
	c.Status.ObservedGeneration = c.Generation
	return ctrl.Result{}, nil
}

// mutateBacking brings the backing channel's spec in line: the template's
// fields, and exactly the Channel's subscribers and delivery.
func mutateBacking(have, want *unstructured.Unstructured) bool {
	return resources.SyncSpec(have, want, "subscribers", "delivery")
}
