package channelable

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/channelable/resources"
	"github.com/knsim/knsim/system/resolver"
)

// Channel condition types, as in Knative.
const (
	ConditionDispatcherReady        duck.ConditionType = "DispatcherReady"
	ConditionAddressable            duck.ConditionType = "Addressable"
	ConditionDeadLetterSinkResolved duck.ConditionType = "DeadLetterSinkResolved"
)

var conditions = duck.NewLivingConditionSet(ConditionDispatcherReady, ConditionAddressable, ConditionDeadLetterSinkResolved)

// Object is a channel kind of the Channelable duck type.
type Object interface {
	client.Object
	// Channelable returns the object's own spec and status fields.
	Channelable() (*messagingv1.ChannelableSpec, *messagingv1.ChannelableStatus)
}

// Reconciler publishes a channel's address and subscriber statuses. Build
// it with New.
type Reconciler[T Object] struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns the dead letter sink each channel resolves.
	Tracker *resolver.Tracker

	kind   string
	newObj func() T
}

// New returns a reconciler of the kind newObj makes (kind names it in
// errors); it has no Tracker.
func New[T Object](c client.Client, opts reconciler.Options, kind string, newObj func() T) *Reconciler[T] {
	return &Reconciler[T]{Client: c, Options: opts, kind: kind, newObj: newObj}
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler[T]) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[T]{
		Kind: r.kind,
		New:  r.newObj,
		Status: func(c T) any {
			_, status := c.Channelable()
			return status
		},
		OnGone:        r.Tracker.Forget,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind publishes the address, the subscribers' statuses and the
// dead letter sink.
func (r *Reconciler[T]) reconcileKind(ctx context.Context, c T) (ctrl.Result, error) {
	spec, status := c.Channelable()
	now := r.Clock.Now()
	conds := conditions.Manage(&status.Status)
	conds.InitializeConditions(now)

	conds.MarkTrue(ConditionDispatcherReady, now)
	status.Address = duck.Addressable{URL: resources.Address(c.GetNamespace(), c.GetName())}
	conds.MarkTrue(ConditionAddressable, now)
	status.Subscribers = resources.SubscriberStatuses(spec.Subscribers)
	r.Tracker.Track(client.ObjectKeyFromObject(c), resolver.Deps(c.GetNamespace(), resolver.DeadLetterDestination(spec.Delivery))...)
	dls := resolver.New(r.Client).ResolveDeadLetterSink(ctx, spec.Delivery, c.GetNamespace())
	status.DeadLetterSinkURI = dls.URI
	dls.Mark(conds, ConditionDeadLetterSinkResolved, now)

	status.ObservedGeneration = c.GetGeneration()
	return ctrl.Result{}, nil
}

// SetupWithManager registers the controller name for the kind newObj
// makes; it requeues a channel when the dead letter sink it resolved
// changes.
func SetupWithManager[T Object](mgr ctrl.Manager, opts reconciler.Options, name string, newObj func() T) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := New(mgr.GetClient(), opts, name, newObj)
	r.Tracker = resolver.NewTracker()
	b := opts.NewController(mgr, name, newObj())
	ws, err := r.Tracker.Watches(mgr.GetScheme(), resolver.AddressableKinds()...)
	if err != nil {
		return err
	}
	for _, w := range ws {
		b = b.Watches(opts.Watch(name, w.Object, w.Handler))
	}
	return b.Complete(r)
}
