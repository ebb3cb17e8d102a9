package loopback

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/ingress"
)

// closeGrace bounds how long Close waits for requests in flight.
const closeGrace = 2 * time.Second

// errClosed is returned by a closed Plane.
var errClosed = errors.New("loopback: plane is closed")

// Plane is the real-mode data plane: a gateway, an activator and one
// queue-proxy per ready pod, each on its own loopback listener. Use New,
// then Start; Close stops it.
type Plane struct {
	cfg       Config
	gateway   *ingress.Gateway
	activator *activator.Handler
	forward   *forwarder

	gwSrv, actSrv   *http.Server
	gwLn, actLn     net.Listener
	gwAddr, actAddr string

	// syncMu serialises Sync and Close; routes is the gateway's Routes by
	// key, with the resourceVersion last upserted.
	syncMu sync.Mutex
	routes map[types.NamespacedName]string
	closed bool

	// mu guards the data-plane state the request path reads.
	mu       sync.RWMutex
	revs     map[types.NamespacedName]*revision
	draining map[*pod]types.NamespacedName

	// readMu guards lastRead, when the latest successful read of the
	// control plane began; missMu serialises the reads unknown hosts cause.
	readMu   sync.Mutex
	lastRead time.Time
	missMu   sync.Mutex

	started bool
	stop    chan struct{}
	wg      sync.WaitGroup // loops, servers and drains
}

// New validates cfg and builds the plane's handlers; nothing listens until
// Start.
func New(cfg Config) (*Plane, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	p := &Plane{
		cfg:      cfg,
		routes:   map[types.NamespacedName]string{},
		revs:     map[types.NamespacedName]*revision{},
		draining: map[*pod]types.NamespacedName{},
		stop:     make(chan struct{}),
	}
	p.forward = newForwarder(p)
	p.activator = activator.NewHandler(cfg.Clock, p.forward.transport, p.poke)
	p.gateway = ingress.NewGateway(rand.New(rand.NewPCG(cfg.Seed, 0x9a7e)), http.HandlerFunc(p.forward.serve))
	if cfg.Client != nil {
		p.gateway.OnMiss(p.readForMiss)
	}
	return p, nil
}

// Start opens the gateway's and the activator's listeners, takes a first
// snapshot of the control plane when the plane has a Client, and starts
// serving until Close. Syncing (every SyncPeriod, with a Client) and
// reporting stats (every second, with Metrics) run until ctx ends or Close.
// After an error the plane is closed.
func (p *Plane) Start(ctx context.Context) error {
	p.syncMu.Lock()
	if p.closed || p.started {
		p.syncMu.Unlock()
		return errors.New("loopback: Start called twice or after Close")
	}
	p.started = true
	p.syncMu.Unlock()

	var err error
	if p.gwLn, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p.cfg.GatewayPort))); err != nil {
		return errors.Join(fmt.Errorf("loopback: gateway: %w", err), p.Close())
	}
	if p.actLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		_ = p.gwLn.Close()
		return errors.Join(fmt.Errorf("loopback: activator: %w", err), p.Close())
	}
	p.gwAddr, p.actAddr = p.gwLn.Addr().String(), p.actLn.Addr().String()
	if p.cfg.Client != nil {
		if err := p.syncOnce(ctx); err != nil {
			_, _ = p.gwLn.Close(), p.actLn.Close()
			return errors.Join(err, p.Close())
		}
	}
	p.gwSrv, p.actSrv = newServer(p.gateway), newServer(http.HandlerFunc(p.serveActivator))
	for _, s := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{p.gwSrv, p.gwLn}, {p.actSrv, p.actLn}} {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			_ = s.srv.Serve(s.ln) // ErrServerClosed after Close
		}()
	}
	if p.cfg.Client != nil {
		p.loop(ctx, p.cfg.SyncPeriod, func(time.Time) {
			if err := p.syncOnce(ctx); err != nil && ctx.Err() == nil && p.cfg.OnError != nil {
				p.cfg.OnError(err)
			}
		})
	}
	if p.cfg.Metrics != nil || p.cfg.OnSecond != nil {
		p.loop(ctx, reportingPeriod, p.report)
	}
	return nil
}

// Addr is the gateway's host:port once Start has returned.
func (p *Plane) Addr() string { return p.gwAddr }

// ActivatorAddr is the activator's host:port once Start has returned.
func (p *Plane) ActivatorAddr() string { return p.actAddr }

// Close stops the loops and the servers, giving requests in flight up to
// two seconds, and waits for everything the plane started.
func (p *Plane) Close() error {
	p.syncMu.Lock()
	if p.closed {
		p.syncMu.Unlock()
		return nil
	}
	p.closed = true
	close(p.stop)
	p.syncMu.Unlock()

	var wg sync.WaitGroup
	for _, srv := range []*http.Server{p.gwSrv, p.actSrv} {
		if srv != nil {
			wg.Go(func() { shutdown(srv, closeGrace) })
		}
	}
	wg.Wait()
	p.mu.RLock()
	var pods []*pod
	for _, rev := range p.revs {
		pods = append(pods, rev.ready...)
	}
	for pd := range p.draining {
		pods = append(pods, pd)
	}
	p.mu.RUnlock()
	for _, pd := range pods {
		_ = pd.srv.Close()
		<-pd.served
	}
	p.wg.Wait()
	p.forward.transport.CloseIdleConnections()
	return nil
}

// loop calls f on every tick of period until ctx ends or the plane closes.
func (p *Plane) loop(ctx context.Context, period time.Duration, f func(now time.Time)) {
	t := p.cfg.Clock.NewTicker(period)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-p.stop:
				return
			case now := <-t.C():
				f(now)
			}
		}
	}()
}

// poke is the activator's call for a revision with no ready pod.
func (p *Plane) poke(key types.NamespacedName) {
	if p.cfg.Metrics != nil {
		p.cfg.Metrics.Poke(p.cfg.Clock.Now(), key)
	}
}
