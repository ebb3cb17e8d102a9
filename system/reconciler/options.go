package reconciler

import (
	"errors"

	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/system/source"
)

// SystemNamespace is where knsim's own ConfigMaps (config-domain,
// config-autoscaler, ...) live, as knative-serving does for Knative.
const SystemNamespace = "knative-serving"

// Queue is a controller's workqueue.
type Queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

// Observer sees every controller's workqueue and event handlers. The
// simulator's quiescence barrier implements it to know when the control plane
// is idle; nil means nothing observes.
type Observer interface {
	// WrapQueue wraps the workqueue of the named controller; rl is the
	// queue's rate limiter, for wrappers that schedule retries themselves.
	WrapQueue(controller string, q Queue, rl workqueue.TypedRateLimiter[reconcile.Request]) Queue
	// WrapHandler wraps an event handler the named controller registers for
	// objects of obj's kind.
	WrapHandler(controller string, obj client.Object, h handler.EventHandler) handler.EventHandler
}

// Options are the dependencies every controller takes.
type Options struct {
	// Clock stamps every condition and drives every requeue. On the simulator's
	// virtual clock, RequeueAfter and rate-limit backoff run in virtual time.
	Clock clock.WithTickerAndDelayedExecution
	// SystemNamespace overrides SystemNamespace.
	SystemNamespace string
	// Observer, when set, watches queues and handlers (see Observer).
	Observer Observer
	// Emitter receives the events of the source controllers (PingSource,
	// ApiServerSource). Nil means whatever is attached to the manager with
	// source.Attach, else the Emitter the reconcile context carries, else
	// nowhere.
	Emitter source.Emitter
}

// EmitterFor returns the Emitter source controllers set up on mgr use:
// o.Emitter, or source.Of(mgr) when it is nil.
func (o Options) EmitterFor(mgr any) source.Emitter {
	if o.Emitter != nil {
		return o.Emitter
	}
	return source.Of(mgr)
}

// Validate checks the options and fills defaults.
func (o *Options) Validate() error {
	if o.Clock == nil {
		return errors.New("reconciler options: Clock is required")
	}
	if o.SystemNamespace == "" {
		o.SystemNamespace = SystemNamespace
	}
	return nil
}

// NewController starts a controller named name that reconciles forObj's kind,
// with its queue on the injected clock and every handler observed. Add more
// watches with Watch and Owns.
func (o Options) NewController(mgr ctrl.Manager, name string, forObj client.Object) *builder.Builder {
	return o.NewControllerWith(mgr, name, forObj, &handler.EnqueueRequestForObject{})
}

// NewControllerWith is NewController whose watch of forObj enqueues with h
// (which may pass over events: the observer still sees them all).
func (o Options) NewControllerWith(mgr ctrl.Manager, name string, forObj client.Object, h handler.EventHandler) *builder.Builder {
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.controllerOptions(name)).
		Watches(o.Watch(name, forObj, h))
}

// Watch returns obj and h (observed) for builder.Watches.
func (o Options) Watch(controller string, obj client.Object, h handler.EventHandler) (client.Object, handler.EventHandler) {
	if o.Observer != nil {
		h = o.Observer.WrapHandler(controller, obj, h)
	}
	return obj, h
}

// Owns returns a watch on child objects that enqueues their controlling owner
// of owner's kind, for builder.Watches.
func (o Options) Owns(mgr ctrl.Manager, controller string, owner, child client.Object) (client.Object, handler.EventHandler) {
	return o.Watch(controller, child, handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), owner, handler.OnlyControllerOwner()))
}

// controllerOptions returns controller-runtime options whose workqueue runs on
// the injected clock and reports to the observer.
func (o Options) controllerOptions(name string) controller.Options {
	clk, obs := o.Clock, o.Observer
	return controller.Options{
		NewQueue: func(name string, rl workqueue.TypedRateLimiter[reconcile.Request]) Queue {
			q := workqueue.NewTypedRateLimitingQueueWithConfig(rl, workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{
				Name:  name,
				Clock: clk,
			})
			if obs != nil {
				return obs.WrapQueue(name, q, rl)
			}
			return q
		},
	}
}
