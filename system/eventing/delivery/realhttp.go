package delivery

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/eventing/wire"
)

// Clock is the part of k8s.io/utils/clock the Dispatcher needs: the time
// of an outcome and timers for backoff and per-attempt timeouts. Both
// clock.RealClock and the testing FakeClock satisfy it.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) clock.Timer
}

// Observer is told every decision the Dispatcher makes, for the delivery it
// started and for the dead-letter delivery that may follow, in order, from
// the goroutine that made it. It must not block for long.
type Observer func(d *Delivery, dec Decision)

// Dispatcher is the real shell around Delivery: it sends each attempt in
// binary mode (over its HTTP/1.1 pool, or the configured http.Client with
// the sdk-go binding's headers), reads the answer into an Attempt,
// asks the Delivery what next, and waits for retries with timers from its
// Clock (no sleeping goroutines). A DeadLetter decision starts the
// dead-letter delivery at once.
type Dispatcher struct {
	client   *http.Client
	h1       *h1Transport // plain http:// targets when no Client was given
	clock    Clock
	maxBytes int64

	ctx    context.Context
	cancel context.CancelFunc

	inflight atomic.Int64

	// work hands deliveries to idle workers; idle counts them.
	work chan job
	idle atomic.Int32
}

// job is a delivery handed to a worker.
type job struct {
	d       *Delivery
	observe Observer
}

// maxIdleWorkers bounds the workers kept waiting for deliveries; more
// exit when they finish.
const maxIdleWorkers = 256

// DispatcherOptions configure NewDispatcher; zero values pick defaults.
type DispatcherOptions struct {
	// Client sends the requests. When nil, http:// targets go over the
	// dispatcher's own HTTP/1.1 keep-alive pool, which runs each exchange
	// in the delivering goroutine, and https:// targets over a client on
	// NewTransport().
	Client *http.Client
	// MaxResponseBytes bounds response bodies; 0 means wire.DefaultMaxBodyBytes.
	MaxResponseBytes int64
	// DialContext, when Client is nil, opens the connections of both the
	// HTTP/1.1 pool and the https transport (for example to route every
	// host to a local listener); nil means a net.Dialer with
	// NewTransport's timeouts. The request keeps its Host header.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewTransport is an HTTP transport tuned for event fan-out to a few hosts,
// with Knative's connection limits (1000 idle, 100 per host; 1000 per host
// here, as loopback benchmarks fan out to one subscriber host).
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1000,
		MaxIdleConnsPerHost: 1000,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
		DisableCompression:  true,
	}
}

// NewDispatcher returns a Dispatcher using clk for time and timers.
func NewDispatcher(clk Clock, opts DispatcherOptions) *Dispatcher {
	c := opts.Client
	var h1 *h1Transport
	if c == nil {
		t := NewTransport()
		h1 = newH1Transport()
		if opts.DialContext != nil {
			t.DialContext = opts.DialContext
			h1.dial = opts.DialContext
		}
		c = &http.Client{Transport: t}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Dispatcher{client: c, h1: h1, clock: clk, maxBytes: opts.MaxResponseBytes, ctx: ctx, cancel: cancel, work: make(chan job)}
}

// Close aborts requests in flight; deliveries still pending then fail as
// transport errors and end as their policy says. It does not wait.
func (x *Dispatcher) Close() {
	x.cancel()
	if x.h1 != nil {
		x.h1.close()
	}
}

// InFlight is the number of deliveries started and not yet finished (a
// dead-letter delivery counts with the one it came from).
func (x *Dispatcher) InFlight() int64 { return x.inflight.Load() }

// Start runs d in the background and tells observe (may be nil) each
// decision. It returns at once.
func (x *Dispatcher) Start(d *Delivery, observe Observer) {
	x.inflight.Add(1)
	select {
	case x.work <- job{d, observe}:
	default:
		go x.worker(d, observe)
	}
}

// worker runs d, then waits for more deliveries from Start unless enough
// workers wait already. Reusing workers saves creating a goroutine and
// growing its stack for every delivery.
func (x *Dispatcher) worker(d *Delivery, observe Observer) {
	for {
		x.run(d, observe)
		if x.idle.Add(1) > maxIdleWorkers {
			x.idle.Add(-1)
			return
		}
		select {
		case j := <-x.work:
			x.idle.Add(-1)
			d, observe = j.d, j.observe
		case <-x.ctx.Done():
			x.idle.Add(-1)
			return
		}
	}
}

// Run runs d in the calling goroutine until it finishes or waits for a
// retry timer (after which it continues in the timer's goroutine).
func (x *Dispatcher) Run(d *Delivery, observe Observer) {
	x.inflight.Add(1)
	x.run(d, observe)
}

// run performs attempts until the delivery is final or must wait.
func (x *Dispatcher) run(d *Delivery, observe Observer) {
	for {
		a := x.attempt(d)
		dec := d.Next(x.clock.Now(), a)
		final := dec.Action != Retry && dec.Action != DeadLetter
		if final {
			// Finished before it is observed, so an observer of the last
			// decision sees InFlight without it.
			x.inflight.Add(-1)
		}
		if observe != nil {
			observe(d, dec)
		}
		switch {
		case final:
			return
		case dec.Action == Retry && dec.Wait > 0:
			// FakeClock runs callbacks under its lock, so never do the
			// work inside the callback itself.
			x.clock.AfterFunc(dec.Wait, func() { go x.run(d, observe) })
			return
		case dec.Action == DeadLetter:
			d = d.DeadLetterDelivery(dec)
		}
	}
}

// preferReply asks a subscriber for a reply, as Knative does.
var preferReply = []string{"Prefer", "reply"}

// attempt sends d's event once and reports what happened.
func (x *Dispatcher) attempt(d *Delivery) Attempt {
	if x.h1 != nil {
		if t := h1TargetFor(d.Target()); t != nil {
			e := exchange{x: x, target: t, ev: d.Event(), timeout: d.Timeout()}
			if d.Kind() == ToSubscriber {
				e.extra = preferReply
			}
			return e.do(x.clock.Now())
		}
	}
	ctx := x.ctx
	if t := d.Timeout(); t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		timer := x.clock.AfterFunc(t, cancel)
		defer func() {
			timer.Stop()
			cancel()
		}()
	}
	req, err := wire.NewRequest(ctx, d.Target(), d.Event())
	if err != nil {
		return Attempt{Err: err}
	}
	if d.Kind() == ToSubscriber {
		// As Knative: ask for a reply whether or not one is routed anywhere.
		req.Header.Set("Prefer", "reply")
	}
	resp, err := x.client.Do(req)
	if err != nil {
		return Attempt{Err: err}
	}
	r := wire.ReadResponse(resp, x.maxBytes)
	return Attempt{
		Status:     r.Status,
		RetryAfter: r.RetryAfter,
		Body:       r.Body,
		Reply:      r.Reply,
		ReplyErr:   r.ReplyErr,
	}
}
