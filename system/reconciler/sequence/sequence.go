package sequence

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channel"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
	"github.com/knsim/knsim/system/reconciler/sequence/resources"
)

// Reconciler wires a Sequence's steps with channels and Subscriptions.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	s := &flowsv1.Sequence{}
	if err := r.Get(ctx, req.NamespacedName, s); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if s.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := s.Status.DeepCopy()
	now := r.Clock.Now()
	conds := flowsv1.FlowConditions.Manage(&s.Status.Status)
	conds.InitializeConditions(now)

	n := len(s.Spec.Steps)
	channels := make([]chresources.Child, n)
	s.Status.Channels = make([]duck.KReference, n)
	s.Status.Address = duck.Addressable{}
	for i := range n {
		want, err := resources.MakeChannel(s, i)
		if err != nil {
			conds.MarkFalse(flowsv1.FlowConditionChannelsReady, "InvalidChannelTemplate", err.Error(), now)
			return ctrl.Result{}, r.writeStatus(ctx, s, before)
		}
		ch, err := channel.EnsureChannel(ctx, r.Client, s, want)
		if errors.Is(err, reconciler.ErrNotOwned) {
			conds.MarkFalse(flowsv1.FlowConditionChannelsReady, "NotOwned", err.Error(), now)
			return ctrl.Result{}, r.writeStatus(ctx, s, before)
		} else if err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling channel %d of sequence %s: %w", i, s.Name, err)
		}
		child, addr, err := channel.ChildOf(ch)
		if err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling sequence %s: %w", s.Name, err)
		}
		channels[i] = child
		s.Status.Channels[i] = resources.ChannelRef(s, i)
		if i == 0 {
			s.Status.Address = duck.Addressable{URL: addr}
		}
	}
	chresources.MirrorAllReady(conds, flowsv1.FlowConditionChannelsReady, "Channel", channels, now)

	subs := make([]chresources.Child, n)
	s.Status.Subscriptions = make([]duck.KReference, n)
	for i := range n {
		sub, err := channel.EnsureSubscription(ctx, r.Client, s, resources.MakeSubscription(s, i))
		if errors.Is(err, reconciler.ErrNotOwned) {
			conds.MarkFalse(flowsv1.FlowConditionSubscriptionsReady, "NotOwned", err.Error(), now)
			return ctrl.Result{}, r.writeStatus(ctx, s, before)
		} else if err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling subscription %d of sequence %s: %w", i, s.Name, err)
		}
		subs[i] = channel.SubscriptionChild(sub)
		s.Status.Subscriptions[i] = resources.SubscriptionRef(s, i)
	}
	chresources.MirrorAllReady(conds, flowsv1.FlowConditionSubscriptionsReady, "Subscription", subs, now)
	if err := r.prune(ctx, s); err != nil {
		return ctrl.Result{}, err
	}

	if s.Status.Address.URL == "" {
		conds.MarkUnknown(flowsv1.FlowConditionAddressable, "ChannelNotAddressable", "The first channel has no address yet.", now)
	} else {
		conds.MarkTrue(flowsv1.FlowConditionAddressable, now)
	}
	s.Status.ObservedGeneration = s.Generation
	return ctrl.Result{}, r.writeStatus(ctx, s, before)
}

// prune deletes the channels and Subscriptions of steps that were removed.
func (r *Reconciler) prune(ctx context.Context, s *flowsv1.Sequence) error {
	for i := len(s.Spec.Steps); ; i++ {
		subFound, err := channel.DeleteIfOwned(ctx, r.Client, s, &messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{Namespace: s.Namespace, Name: resources.SubscriptionName(s.Name, i)}})
		if err != nil {
			return fmt.Errorf("pruning sequence %s: %w", s.Name, err)
		}
		ch := chresources.New(chresources.GVK(s.Spec.ChannelTemplate))
		ch.SetNamespace(s.Namespace)
		ch.SetName(resources.ChannelName(s.Name, i))
		chFound, err := channel.DeleteIfOwned(ctx, r.Client, s, ch)
		if err != nil {
			return fmt.Errorf("pruning sequence %s: %w", s.Name, err)
		}
		if !subFound && !chFound {
			return nil
		}
	}
}

func (r *Reconciler) writeStatus(ctx context.Context, s *flowsv1.Sequence, before *flowsv1.FlowStatus) error {
	if err := reconciler.UpdateStatus(ctx, r.Client, s, before, &s.Status); err != nil {
		return fmt.Errorf("reconciling sequence: %w", err)
	}
	return nil
}
