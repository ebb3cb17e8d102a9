package parallel

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
	"github.com/knsim/knsim/system/reconciler/parallel/resources"
)

// Reconciler wires a Parallel's branches with channels and Subscriptions.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	p := &flowsv1.Parallel{}
	if err := r.Get(ctx, req.NamespacedName, p); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if p.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := p.Status.DeepCopy()
	now := r.Clock.Now()
	conds := flowsv1.FlowConditions.Manage(&p.Status.Status)
	conds.InitializeConditions(now)

	n := len(p.Spec.Branches)
	names := []string{resources.IngressChannelName(p.Name)}
	for i := range n {
		names = append(names, resources.BranchChannelName(p.Name, i))
	}
	channels := make([]chresources.Child, len(names))
	p.Status.Channels = make([]duck.KReference, len(names))
	p.Status.Address = duck.Addressable{}
	for i, name := range names {
		want, err := resources.MakeChannel(p, name)
		if err != nil {
			conds.MarkFalse(flowsv1.FlowConditionChannelsReady, "InvalidChannelTemplate", err.Error(), now)
			return ctrl.Result{}, r.writeStatus(ctx, p, before)
		}
		ch, err := channel.EnsureChannel(ctx, r.Client, p, want)
		if errors.Is(err, reconciler.ErrNotOwned) {
			conds.MarkFalse(flowsv1.FlowConditionChannelsReady, "NotOwned", err.Error(), now)
			return ctrl.Result{}, r.writeStatus(ctx, p, before)
		} else if err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling channel %s of parallel %s: %w", name, p.Name, err)
		}
		child, addr, err := channel.ChildOf(ch)
		if err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling parallel %s: %w", p.Name, err)
		}
		channels[i] = child
		p.Status.Channels[i] = resources.ChannelRef(p, name)
		if i == 0 {
			p.Status.Address = duck.Addressable{URL: addr}
		}
	}
	chresources.MirrorAllReady(conds, flowsv1.FlowConditionChannelsReady, "Channel", channels, now)

	var subs []chresources.Child
	p.Status.Subscriptions = nil
	for i := range n {
		for _, want := range []*messagingv1.Subscription{resources.MakeFilterSubscription(p, i), resources.MakeSubscription(p, i)} {
			sub, err := channel.EnsureSubscription(ctx, r.Client, p, want)
			if errors.Is(err, reconciler.ErrNotOwned) {
				conds.MarkFalse(flowsv1.FlowConditionSubscriptionsReady, "NotOwned", err.Error(), now)
				return ctrl.Result{}, r.writeStatus(ctx, p, before)
			} else if err != nil {
				return ctrl.Result{}, fmt.Errorf("reconciling subscription %s of parallel %s: %w", want.Name, p.Name, err)
			}
			subs = append(subs, channel.SubscriptionChild(sub))
			p.Status.Subscriptions = append(p.Status.Subscriptions, resources.SubscriptionRef(p, want.Name))
		}
	}
	chresources.MirrorAllReady(conds, flowsv1.FlowConditionSubscriptionsReady, "Subscription", subs, now)
	if err := r.prune(ctx, p); err != nil {
		return ctrl.Result{}, err
	}

	if p.Status.Address.URL == "" {
		conds.MarkUnknown(flowsv1.FlowConditionAddressable, "ChannelNotAddressable", "The ingress channel has no address yet.", now)
	} else {
		conds.MarkTrue(flowsv1.FlowConditionAddressable, now)
	}
	p.Status.ObservedGeneration = p.Generation
	return ctrl.Result{}, r.writeStatus(ctx, p, before)
}

// prune deletes the channels and Subscriptions of branches that were removed.
func (r *Reconciler) prune(ctx context.Context, p *flowsv1.Parallel) error {
	for i := len(p.Spec.Branches); ; i++ {
		found := false
		for _, name := range []string{resources.FilterSubscriptionName(p.Name, i), resources.SubscriptionName(p.Name, i)} {
			ok, err := channel.DeleteIfOwned(ctx, r.Client, p, &messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: name}})
			if err != nil {
				return fmt.Errorf("pruning parallel %s: %w", p.Name, err)
			}
			found = found || ok
		}
		ch := chresources.New(chresources.GVK(p.Spec.ChannelTemplate))
		ch.SetNamespace(p.Namespace)
		ch.SetName(resources.BranchChannelName(p.Name, i))
		ok, err := channel.DeleteIfOwned(ctx, r.Client, p, ch)
		if err != nil {
			return fmt.Errorf("pruning parallel %s: %w", p.Name, err)
		}
		if !found && !ok {
			return nil
		}
	}
}

func (r *Reconciler) writeStatus(ctx context.Context, p *flowsv1.Parallel, before *flowsv1.FlowStatus) error {
	if err := reconciler.UpdateStatus(ctx, r.Client, p, before, &p.Status); err != nil {
		return fmt.Errorf("reconciling parallel: %w", err)
	}
	return nil
}
