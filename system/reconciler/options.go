package reconciler

import (
	"errors"

	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// SystemNamespace is where knsim's own ConfigMaps (config-domain,
// config-autoscaler, ...) live, as knative-serving does for Knative.
const SystemNamespace = "knative-serving"

// Options are the dependencies every controller takes.
type Options struct {
	// Clock stamps every condition and drives every requeue. On the simulator's
	// virtual clock, RequeueAfter and rate-limit backoff run in virtual time.
	Clock clock.WithTicker
	// SystemNamespace overrides SystemNamespace.
	SystemNamespace string
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

// ControllerOptions returns controller-runtime options whose workqueue runs on
// the injected clock.
func (o Options) ControllerOptions() controller.Options {
	clk := o.Clock
	return controller.Options{
		NewQueue: func(name string, rl workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
			return workqueue.NewTypedRateLimitingQueueWithConfig(rl, workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{
				Name:  name,
				Clock: clk,
			})
		},
	}
}
