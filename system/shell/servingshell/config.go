package servingshell

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/ingress"
	"github.com/knsim/knsim/system/telemetry"
)

// DefaultSyncPeriod is how often a Shell with a Client reads the control
// plane.
const DefaultSyncPeriod = 100 * time.Millisecond

// Config configures a Shell.
type Config struct {
	// Client reads Routes, Revisions, ServerlessServices and Pods (a
	// world's uncached Client). Nil: no periodic sync; the caller feeds
	// the shell with Sync.
	Client client.Reader
	// Metrics receives every revision's queue-proxy and activator stats
	// each second, and the activator's pokes (a world's Autoscaler).
	// Optional.
	Metrics telemetry.Metrics
	// Clock is the wall clock (default clock.RealClock{}).
	Clock clock.WithTicker
	// GatewayPort is the gateway's port on 127.0.0.1; 0 picks a free one.
	GatewayPort int
	// SyncPeriod is how often the control plane is read (default
	// DefaultSyncPeriod).
	SyncPeriod time.Duration
	// Workloads models user containers by "namespace/service"; others use
	// DefaultWorkload, whose ServiceTime defaults to
	// container.DefaultServiceTime.
	Workloads       map[string]container.Workload
	DefaultWorkload container.Workload
	// Seed seeds the traffic splits, the activator's choices and the
	// workload draws.
	Seed uint64
	// OnError receives errors of the background sync (optional; they are
	// retried at the next period either way).
	OnError func(error)
	// OnRequest, when set, is told of every request the gateway routed to
	// a revision once it is answered, in the shape the simulated data plane
	// reports (start and end on Clock, as the gateway saw them). It is
	// called from the request's goroutine.
	OnRequest func(telemetry.Record)
	// Activator bounds the requests the activator holds over all
	// revisions (zero fields: activator's defaults; 503 beyond).
	Activator activator.Bounds
	// MaxRequestBodyBytes is the gateway's request-size limit (413 above
	// it); 0 means ingress.DefaultMaxBodyBytes (10 MiB).
	MaxRequestBodyBytes int64
	// Listen holds the timeouts of the gateway's, the activator's and the
	// pods' listeners (zero fields: httpserve's defaults; WriteTimeout:
	// httpserve.MaxRevisionWrite, so requests up to Knative's largest
	// revision timeout complete). A body not received within
	// Listen.BodyReadTimeout gets 408.
	Listen httpserve.Limits
	// OnSecond, when set, receives every revision's load over the last
	// second (as the simulated shell's OnSecond does), from the
	// reporting loop.
	OnSecond func(now time.Time, load []telemetry.RevisionSecond)
}

func (c *Config) defaults() error {
	if c.GatewayPort < 0 || c.GatewayPort > 65535 {
		return fmt.Errorf("servingshell: GatewayPort %d is out of range", c.GatewayPort)
	}
	if c.SyncPeriod < 0 {
		return errors.New("servingshell: SyncPeriod must not be negative")
	}
	if c.MaxRequestBodyBytes < 0 {
		return fmt.Errorf("servingshell: MaxRequestBodyBytes %d must not be negative", c.MaxRequestBodyBytes)
	}
	if c.MaxRequestBodyBytes == 0 {
		c.MaxRequestBodyBytes = ingress.DefaultMaxBodyBytes
	}
	if c.Listen.WriteTimeout == 0 {
		c.Listen.WriteTimeout = httpserve.MaxRevisionWrite
	}
	if _, err := httpserve.New(http.NotFoundHandler(), c.Listen); err != nil {
		return fmt.Errorf("servingshell: %w", err)
	}
	if c.SyncPeriod == 0 {
		c.SyncPeriod = DefaultSyncPeriod
	}
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	if err := c.DefaultWorkload.Validate(); err != nil {
		return fmt.Errorf("servingshell: DefaultWorkload: %w", err)
	}
	for _, k := range slices.Sorted(maps.Keys(c.Workloads)) {
		if err := c.Workloads[k].Validate(); err != nil {
			return fmt.Errorf("servingshell: Workloads[%s]: %w", k, err)
		}
	}
	return nil
}

// workload returns the model of a Service's containers.
func (c *Config) workload(namespace, service string) container.Workload {
	w, ok := c.Workloads[namespace+"/"+service]
	if !ok {
		return c.DefaultWorkload
	}
	if w.ServiceTime == nil {
		w.ServiceTime = c.DefaultWorkload.ServiceTime
	}
	return w
}
