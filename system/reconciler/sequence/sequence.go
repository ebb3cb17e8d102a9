package sequence

import (
	"context"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	chresources "github.com/knsim/knsim/system/reconciler/channel/resources"
	"github.com/knsim/knsim/system/reconciler/flow"
	"github.com/knsim/knsim/system/reconciler/sequence/resources"
)

// Reconciler wires a Sequence's steps with channels and Subscriptions.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*flowsv1.Sequence]{
		Kind:   "sequence",
		New:    func() *flowsv1.Sequence { return &flowsv1.Sequence{} },
		Status: func(s *flowsv1.Sequence) any { return &s.Status },
		ReconcileKind: func(ctx context.Context, s *flowsv1.Sequence) (ctrl.Result, error) {
			return ctrl.Result{}, flow.Reconcile(ctx, r.Client, s, &s.Status, plan(s), r.Clock.Now())
		},
	}.Reconcile(ctx, r.Client, req)
}

// plan lists a Sequence's channel and Subscription per step, and prunes
// those of steps that were removed.
func plan(s *flowsv1.Sequence) flow.Plan {
	n := len(s.Spec.Steps)
	p := flow.Plan{
		Kind:          "sequence",
		Channels:      make([]flow.Channel, n),
		Subscriptions: make([]flow.Subscription, n),
		NoAddress:     "The first channel has no address yet.",
		PruneFrom:     n,
		Prune: func(i int) []client.Object {
			ch := chresources.New(chresources.GVK(s.Spec.ChannelTemplate))
			ch.SetNamespace(s.Namespace)
			ch.SetName(resources.ChannelName(s.Name, i))
			return []client.Object{
				&messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{Namespace: s.Namespace, Name: resources.SubscriptionName(s.Name, i)}},
				ch,
			}
		},
	}
	for i := range n {
		want, err := resources.MakeChannel(s, i)
		if err != nil && p.InvalidTemplate == nil {
			p.InvalidTemplate = err
		}
		p.Channels[i] = flow.Channel{ID: strconv.Itoa(i), Want: want, Ref: resources.ChannelRef(s, i)}
		p.Subscriptions[i] = flow.Subscription{ID: strconv.Itoa(i), Want: resources.MakeSubscription(s, i), Ref: resources.SubscriptionRef(s, i)}
	}
	return p
}
