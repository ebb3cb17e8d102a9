package parallel

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
	"github.com/knsim/knsim/system/reconciler/flow"
	"github.com/knsim/knsim/system/reconciler/parallel/resources"
)

// Reconciler wires a Parallel's branches with channels and Subscriptions.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*flowsv1.Parallel]{
		Kind:   "parallel",
		New:    func() *flowsv1.Parallel { return &flowsv1.Parallel{} },
		Status: func(p *flowsv1.Parallel) any { return &p.Status },
		ReconcileKind: func(ctx context.Context, p *flowsv1.Parallel) (ctrl.Result, error) {
			return ctrl.Result{}, flow.Reconcile(ctx, r.Client, p, &p.Status, plan(p), r.Clock.Now())
		},
	}.Reconcile(ctx, r.Client, req)
}

// plan lists a Parallel's ingress channel then its branch channels, per
// branch the filter Subscription then the subscriber's, and prunes those
// of branches that were removed.
func plan(p *flowsv1.Parallel) flow.Plan {
	n := len(p.Spec.Branches)
	pl := flow.Plan{
		Kind:                 "parallel",
		GrowSubscriptionRefs: true,
		NoAddress:            "The ingress channel has no address yet.",
		PruneFrom:            n,
		Prune: func(i int) []client.Object {
			ch := chresources.New(chresources.GVK(p.Spec.ChannelTemplate))
			ch.SetNamespace(p.Namespace)
			ch.SetName(resources.BranchChannelName(p.Name, i))
			return []client.Object{
				&messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: resources.FilterSubscriptionName(p.Name, i)}},
				&messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: resources.SubscriptionName(p.Name, i)}},
				ch,
			}
		},
	}
	names := []string{resources.IngressChannelName(p.Name)}
	for i := range n {
		names = append(names, resources.BranchChannelName(p.Name, i))
	}
	for _, name := range names {
		want, err := resources.MakeChannel(p, name)
		if err != nil && pl.InvalidTemplate == nil {
			pl.InvalidTemplate = err
		}
		pl.Channels = append(pl.Channels, flow.Channel{ID: name, Want: want, Ref: resources.ChannelRef(p, name)})
	}
	for i := range n {
		for _, want := range []*messagingv1.Subscription{resources.MakeFilterSubscription(p, i), resources.MakeSubscription(p, i)} {
			pl.Subscriptions = append(pl.Subscriptions, flow.Subscription{ID: want.Name, Want: want, Ref: resources.SubscriptionRef(p, want.Name)})
		}
	}
	return pl
}
