package servingshell

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/httpserve"
)

// Container is an in-process user container: the user-container core
// (system/container) on the wall clock. It holds each request for a
// service time drawn from its Workload (plus the cold-start extra on the
// first request it serves), lets at most MaxInFlight requests work at once
// (the rest wait, first come first served), and answers 200 with
// "Hello <target>!\n", as Knative's helloworld-go sample does (a
// CloudEvent gets 202 without a body, as the event_display sample). A request
// whose context ends first gets 504 on a deadline, nothing otherwise.
type Container struct {
	clock clock.Clock
	body  []byte

	mu      sync.Mutex
	core    *container.Core
	nextID  uint64
	waiters map[uint64]chan time.Duration // waiting requests' start signals, by id
}

// NewContainer returns a container running work on clk, greeting target
// ("World" when empty) and drawing its times from rng.
func NewContainer(clk clock.Clock, work container.Workload, target string, rng *rand.Rand) (*Container, error) {
	core, err := container.New(clk.Now(), work, rng)
	if err != nil {
		return nil, err
	}
	if target == "" {
		target = "World"
	}
	return &Container{clock: clk, body: []byte("Hello " + target + "!\n"), core: core, waiters: map[uint64]chan time.Duration{}}, nil
}

// ServeHTTP implements http.Handler.
func (c *Container) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Read the body first, as a handler that takes its input does: left
	// unread, net/http closes the connection under a large body while the
	// hop before is still sending it, and the request fails.
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		if httpserve.IsBodyTimeout(err) {
			w.Header().Set("Connection", "close")
			http.Error(w, err.Error(), http.StatusRequestTimeout)
		}
		return
	}
	d, ok := c.admit(ctx)
	if !ok {
		abandon(ctx, w)
		return
	}
	if d > 0 {
		t := c.clock.NewTimer(d)
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			c.finish()
			abandon(ctx, w)
			return
		}
	}
	c.finish()
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

// admit hands the request to the container and waits for its turn; it
// returns the request's service time, or false when ctx ended first.
func (c *Container) admit(ctx context.Context) (time.Duration, bool) {
	c.mu.Lock()
	id := c.nextID
	c.nextID++
	d, started := c.core.Admit(c.clock.Now(), id)
	if started {
		c.mu.Unlock()
		return d, true
	}
	ch := make(chan time.Duration, 1) // finish sends under c.mu and must not block
	c.waiters[id] = ch
	c.mu.Unlock()

	select {
	case d := <-ch:
		return d, true
	case <-ctx.Done():
	}
	c.mu.Lock()
	withdrawn := c.core.Cancel(id)
	if withdrawn {
		delete(c.waiters, id)
	}
	c.mu.Unlock()
	if !withdrawn {
		// Started while the context ended: hand the slot on.
		<-ch
		c.finish()
	}
	return 0, false
}

// finish ends a working request and starts the waiting one the core puts
// in its place.
func (c *Container) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, d, ok := c.core.Finish(c.clock.Now()); ok {
		c.waiters[id] <- d
		delete(c.waiters, id)
	}
}

// cpuUsage closes the container's CPU window at now and returns its
// average use over it in millicores; false for a window of no length.
func (c *Container) cpuUsage(now time.Time) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.core.CloseCPUWindow(now)
}

// isCloudEvent reports whether r carries a CloudEvent in binary
// (ce-specversion header) or structured (application/cloudevents content
// type) mode.
func isCloudEvent(r *http.Request) bool {
	return r.Header.Get("Ce-Specversion") != "" ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/cloudevents")
}

// abandon answers a request whose context ended: 504 when the revision's
// timeout fired (as queue-proxy's timeout handler does), nothing when the
// client went away.
func abandon(ctx context.Context, w http.ResponseWriter) {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		http.Error(w, "request timeout", http.StatusGatewayTimeout)
	}
}
