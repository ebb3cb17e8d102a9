package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channel"
)

// Plan lists the channels and Subscriptions a flow wants, in the order its
// status lists them, and how to find the children of removed steps or
// branches.
type Plan struct {
	// Kind names the flow in errors, in lower case ("sequence").
	Kind string
	// Channels are the wanted channels; the first one addresses the flow.
	Channels []Channel
	// InvalidTemplate is the error building the channels from the flow's
	// channel template; when set no child is ensured and ChannelsReady is
	// False with reason InvalidChannelTemplate.
	InvalidTemplate error
	// Subscriptions are the wanted Subscriptions, ensured once every
	// channel is.
	Subscriptions []Subscription
	// GrowSubscriptionRefs makes status.subscriptions list only the
	// Subscriptions ensured so far; otherwise it holds one entry per
	// wanted Subscription, empty until that one is ensured.
	GrowSubscriptionRefs bool
	// NoAddress is the Addressable condition's message while the first
	// channel has no address.
	NoAddress string
	// PruneFrom is the index of the first removed step or branch.
	PruneFrom int
	// Prune returns the children removed step or branch i may have left,
	// in the order they are deleted.
	Prune func(i int) []client.Object
}

// Channel is a channel a flow wants.
type Channel struct {
	// ID names the channel in errors.
	ID string
	// Want is the channel, of the template's kind.
	Want *unstructured.Unstructured
	// Ref is how the flow's status.channels references it.
	Ref duck.KReference
}

// Subscription is a Subscription a flow wants.
type Subscription struct {
	// ID names the Subscription in errors.
	ID string
	// Want is the Subscription.
	Want *messagingv1.Subscription
	// Ref is how the flow's status.subscriptions references it.
	Ref duck.KReference
}

// outcome is what ensuring a Plan found: the children ensured, in plan
// order, up to the first one owned by someone else.
type outcome struct {
	channels []duck.Child
	// address is the first channel's address.
	address string
	// channelNotOwned is set when a channel exists but is not the flow's.
	channelNotOwned error
	subs            []duck.Child
	// subNotOwned is set when a Subscription exists but is not the flow's.
	subNotOwned error
}

// complete reports whether every child of the plan was ensured.
func (o *outcome) complete(p *Plan) bool {
	return p.InvalidTemplate == nil && o.channelNotOwned == nil && o.subNotOwned == nil
}

// Reconcile ensures plan's children for owner, the flow whose status is st,
// prunes the children of removed steps or branches once every wanted one is
// in place, and fills st; the caller writes it.
func Reconcile(ctx context.Context, c client.Client, owner client.Object, st *flowsv1.FlowStatus, plan Plan, now time.Time) error {
	o, err := ensure(ctx, c, owner, &plan)
	if err != nil {
		return err
	}
	if o.complete(&plan) {
		if err := prune(ctx, c, owner, &plan); err != nil {
			return err
		}
	}
	apply(st, &plan, o, owner.GetGeneration(), now)
	return nil
}

// ensure creates or updates plan's channels, then its Subscriptions,
// stopping at the first child owned by someone else.
func ensure(ctx context.Context, c client.Client, owner client.Object, plan *Plan) (outcome, error) {
	var o outcome
	if plan.InvalidTemplate != nil {
		return o, nil
	}
	for i, want := range plan.Channels {
		ch, err := channel.EnsureChannel(ctx, c, owner, want.Want)
		if errors.Is(err, reconciler.ErrNotOwned) {
			o.channelNotOwned = err
			return o, nil
		} else if err != nil {
			return o, fmt.Errorf("reconciling channel %s of %s %s: %w", want.ID, plan.Kind, owner.GetName(), err)
		}
		child, addr, err := channel.ChildOf(ch)
		if err != nil {
			return o, fmt.Errorf("reconciling %s %s: %w", plan.Kind, owner.GetName(), err)
		}
		o.channels = append(o.channels, child)
		if i == 0 {
			o.address = addr
		}
	}
	for _, want := range plan.Subscriptions {
		sub, err := channel.EnsureSubscription(ctx, c, owner, want.Want)
		if errors.Is(err, reconciler.ErrNotOwned) {
			o.subNotOwned = err
			return o, nil
		} else if err != nil {
			return o, fmt.Errorf("reconciling subscription %s of %s %s: %w", want.ID, plan.Kind, owner.GetName(), err)
		}
		o.subs = append(o.subs, channel.SubscriptionChild(sub))
	}
	return o, nil
}

// prune deletes the children of removed steps or branches, from
// plan.PruneFrom on, until one has none left.
func prune(ctx context.Context, c client.Client, owner client.Object, plan *Plan) error {
	if plan.Prune == nil {
		return nil
	}
	for i := plan.PruneFrom; ; i++ {
		found := false
		for _, obj := range plan.Prune(i) {
			ok, err := channel.DeleteIfOwned(ctx, c, owner, obj)
			if err != nil {
				return fmt.Errorf("pruning %s %s: %w", plan.Kind, owner.GetName(), err)
			}
			found = found || ok
		}
		if !found {
			return nil
		}
	}
}

// apply fills st from what ensuring plan found: the references of the
// children ensured, the address, and the conditions; ObservedGeneration
// becomes generation once every child is in place.
func apply(st *flowsv1.FlowStatus, plan *Plan, o outcome, generation int64, now time.Time) {
	conds := flowsv1.FlowConditions.Manage(&st.Status)
	conds.InitializeConditions(now)

	st.Channels = make([]duck.KReference, len(plan.Channels))
	st.Address = duck.Addressable{}
	if plan.InvalidTemplate != nil {
		conds.MarkFalse(flowsv1.FlowConditionChannelsReady, "InvalidChannelTemplate", plan.InvalidTemplate.Error(), now)
		return
	}
	for i := range o.channels {
		st.Channels[i] = plan.Channels[i].Ref
	}
	if len(o.channels) > 0 {
		st.Address = duck.Addressable{URL: o.address}
	}
	if o.channelNotOwned != nil {
		conds.MarkFalse(flowsv1.FlowConditionChannelsReady, "NotOwned", o.channelNotOwned.Error(), now)
		return
	}
	conds.MirrorAll(flowsv1.FlowConditionChannelsReady, "Channel", o.channels, now)

	if plan.GrowSubscriptionRefs {
		st.Subscriptions = nil
		for i := range o.subs {
			st.Subscriptions = append(st.Subscriptions, plan.Subscriptions[i].Ref)
		}
	} else {
		st.Subscriptions = make([]duck.KReference, len(plan.Subscriptions))
		for i := range o.subs {
			st.Subscriptions[i] = plan.Subscriptions[i].Ref
		}
	}
	if o.subNotOwned != nil {
		conds.MarkFalse(flowsv1.FlowConditionSubscriptionsReady, "NotOwned", o.subNotOwned.Error(), now)
		return
	}
	conds.MirrorAll(flowsv1.FlowConditionSubscriptionsReady, "Subscription", o.subs, now)

	if st.Address.URL == "" {
		conds.MarkUnknown(flowsv1.FlowConditionAddressable, "ChannelNotAddressable", plan.NoAddress, now)
	} else {
		conds.MarkTrue(flowsv1.FlowConditionAddressable, now)
	}
	st.ObservedGeneration = generation
}
