package loopback

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/knsim/knsim/sim/dataplane"
)

// Container is an in-process user container: it holds each request for a
// service time drawn from its Workload (plus the cold-start extra on the
// first request it serves), lets at most MaxInFlight requests work at once
// (the rest wait, first come first served), and answers 200 with
// "Hello <target>!\n", as Knative's helloworld-go sample does (a
// CloudEvent gets 202 without a body, as the event_display sample). A request
// whose context ends first gets 504 on a deadline, nothing otherwise.
type Container struct {
	clock clock.Clock
	work  dataplane.Workload
	body  []byte
	slots chan struct{} // nil: no in-flight limit

	mu     sync.Mutex
	rng    *rand.Rand
	served int
	// CPU accounting (cpu.go): requests being worked on, and the
	// millicore-seconds they used since cpuWindow, integrated to cpuSince.
	inWork              int
	cpuSince, cpuWindow time.Time
	cpuMilliSeconds     float64
}

// DefaultServiceTime is the service time of a Workload without one.
const DefaultServiceTime = 10 * time.Millisecond

// NewContainer returns a container running work on clk, greeting target
// ("World" when empty) and drawing its times from rng.
func NewContainer(clk clock.Clock, work dataplane.Workload, target string, rng *rand.Rand) *Container {
	if work.ServiceTime == nil {
		work.ServiceTime = func(*rand.Rand) time.Duration { return DefaultServiceTime }
	}
	if target == "" {
		target = "World"
	}
	now := clk.Now()
	c := &Container{clock: clk, work: work, body: []byte("Hello " + target + "!\n"), rng: rng, cpuSince: now, cpuWindow: now}
	if work.MaxInFlight > 0 {
		c.slots = make(chan struct{}, work.MaxInFlight)
	}
	return c
}

// ServeHTTP implements http.Handler.
func (c *Container) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if c.slots != nil {
		select {
		case c.slots <- struct{}{}:
			defer func() { <-c.slots }()
		case <-ctx.Done():
			abandon(ctx, w)
			return
		}
	}
	if d := c.draw(); d > 0 {
		c.working(1)
		t := c.clock.NewTimer(d)
		select {
		case <-t.C():
			c.working(-1)
		case <-ctx.Done():
			t.Stop()
			c.working(-1)
			abandon(ctx, w)
			return
		}
	}
	if isCloudEvent(r) {
		// An event sink (Knative's event_display sample) takes the event
		// and answers without a body: a greeting would be read as a reply
		// that is not a CloudEvent, which a broker counts as a failure.
		w.WriteHeader(http.StatusAccepted)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(c.body)
}

// isCloudEvent reports whether r carries a CloudEvent in binary
// (ce-specversion header) or structured (application/cloudevents content
// type) mode.
func isCloudEvent(r *http.Request) bool {
	return r.Header.Get("Ce-Specversion") != "" ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/cloudevents")
}

// draw returns the next request's service time.
func (c *Container) draw() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.work.ServiceTime(c.rng)
	if c.served == 0 && c.work.ColdStartExtra != nil {
		d += c.work.ColdStartExtra(c.rng)
	}
	c.served++
	return d
}

// abandon answers a request whose context ended: 504 when the revision's
// timeout fired (as queue-proxy's timeout handler does), nothing when the
// client went away.
func abandon(ctx context.Context, w http.ResponseWriter) {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		http.Error(w, "request timeout", http.StatusGatewayTimeout)
	}
}
