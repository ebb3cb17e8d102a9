package natsjetstreamchannel

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
	imcresources "github.com/knsim/knsim/system/reconciler/inmemorychannel/resources"
	"github.com/knsim/knsim/system/resolver"
)

// NatsJetStreamChannel condition types.
const (
	ConditionDispatcherReady        duck.ConditionType = "DispatcherReady"
	ConditionAddressable            duck.ConditionType = "Addressable"
	ConditionDeadLetterSinkResolved duck.ConditionType = "DeadLetterSinkResolved"
)

var jscConditions = duck.NewLivingConditionSet(ConditionDispatcherReady, ConditionAddressable, ConditionDeadLetterSinkResolved)

// Reconciler publishes a NatsJetStreamChannel's address and subscriber
// statuses.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns the dead letter sink each channel resolves.
	Tracker *resolver.Tracker
}

// Address is where a NatsJetStreamChannel receives events:
// http://{name}-kn-channel.{namespace}.svc.cluster.local, the host the
// shared channel ingress routes by.
func Address(c *messagingv1alpha1.NatsJetStreamChannel) string {
	return resolver.ServiceURL(c.Name+"-kn-channel", c.Namespace).String()
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	c := &messagingv1alpha1.NatsJetStreamChannel{}
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
	conds := jscConditions.Manage(&c.Status.Status)
	conds.InitializeConditions(now)

	// The dispatcher runs in the data plane's process and creates the
	// stream and consumers when it installs the channel.
	conds.MarkTrue(ConditionDispatcherReady, now)
	c.Status.Address = duck.Addressable{URL: Address(c)}
	conds.MarkTrue(ConditionAddressable, now)
	c.Status.Subscribers = imcresources.SubscriberStatuses(c.Spec.Subscribers)
	r.Tracker.Track(req.NamespacedName, resolver.Deps(c.Namespace, resolver.DeadLetterDestination(c.Spec.Delivery))...)
	dls := resolver.New(r.Client).ResolveDeadLetterSink(ctx, c.Spec.Delivery, c.Namespace)
	c.Status.DeadLetterSinkURI = dls.URI
	dls.Mark(conds, ConditionDeadLetterSinkResolved, now)

	c.Status.ObservedGeneration = c.Generation
	if err := reconciler.UpdateStatus(ctx, r.Client, c, before, &c.Status); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling natsjetstreamchannel: %w", err)
	}
	return ctrl.Result{}, nil
}
