package runner

import (
	"context"
	"k8s.io/utils/clock"
	"time"
)

// Timing says where the wall time of a virtual run went: starting its
// control plane (for envtest: etcd, kube-apiserver, CRDs, webhooks, the
// manager and its caches), then the run itself (applying the manifests and
// stepping virtual time), then stopping the control plane.
type Timing struct {
	// StartUp is the wall time from the start of the run to a control
	// plane whose controllers are running and idle.
	StartUp time.Duration
	// Stop is the wall time the control plane took to shut down.
	Stop time.Duration
	// Started and Stopping, when set, are called when the start-up ends
	// and before the stop begins (a benchmark reads CPU times there).
	Started, Stopping func()
}

type timingKey struct{}

// WithTiming returns a context under which Run records its start-up and
// stop times in t.
func WithTiming(ctx context.Context, t *Timing) context.Context {
	return context.WithValue(ctx, timingKey{}, t)
}

func timingFrom(ctx context.Context) *Timing {
	t, _ := ctx.Value(timingKey{}).(*Timing)
	return t
}

// wallClock times start-up and stop: they are the machine's cost of a run,
// not part of virtual time.
var wallClock clock.PassiveClock = clock.RealClock{}

// timedBackend records how long its control plane takes to stop.
type timedBackend struct {
	backend
	t *Timing
}

func (b timedBackend) Stop() error {
	if b.t.Stopping != nil {
		b.t.Stopping()
	}
	began := wallClock.Now()
	err := b.backend.Stop()
	b.t.Stop = wallClock.Since(began)
	return err
}
