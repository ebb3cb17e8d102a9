package servingshell

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

// errClosed is returned by a closed Shell.
var errClosed = errors.New("servingshell: the shell is closed")

// Shell is the real-mode data plane: a gateway, an activator and one
// queue-proxy per ready pod, each on its own loopback listener. Use New,
// then Start; Close stops it.
type Shell struct {
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

// New validates cfg and builds the shell's handlers; nothing listens until
// Start.
func New(cfg Config) (*Shell, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	sh := &Shell{
		cfg:      cfg,
		routes:   map[types.NamespacedName]string{},
		revs:     map[types.NamespacedName]*revision{},
		draining: map[*pod]types.NamespacedName{},
		stop:     make(chan struct{}),
	}
	sh.forward = newForwarder(sh)
	act, err := activator.NewBoundedHandler(cfg.Clock, sh.forward.transport, sh.poke, cfg.Activator)
	if err != nil {
		return nil, fmt.Errorf("servingshell: %w", err)
	}
	sh.activator = act
	sh.gateway = ingress.NewGateway(rand.New(rand.NewPCG(cfg.Seed, 0x9a7e)), http.HandlerFunc(sh.forward.serve))
	if err := sh.gateway.LimitBody(cfg.MaxRequestBodyBytes); err != nil {
		return nil, fmt.Errorf("servingshell: %w", err)
	}
	if cfg.Client != nil {
		sh.gateway.OnMiss(sh.readForMiss)
	}
	return sh, nil
}

// Start opens the gateway's and the activator's listeners, takes a first
// snapshot of the control plane when the shell has a Client, and starts
// serving until Close. Syncing (every SyncPeriod, with a Client) and
// reporting stats (every second, with Metrics) run until ctx ends or Close.
// After an error the shell is closed.
func (sh *Shell) Start(ctx context.Context) error {
	sh.syncMu.Lock()
	if sh.closed || sh.started {
		sh.syncMu.Unlock()
		return errors.New("servingshell: Start called twice or after Close")
	}
	sh.started = true
	sh.syncMu.Unlock()

	var err error
	if sh.gwLn, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(sh.cfg.GatewayPort))); err != nil {
		return errors.Join(fmt.Errorf("servingshell: gateway: %w", err), sh.Close())
	}
	if sh.actLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		_ = sh.gwLn.Close()
		return errors.Join(fmt.Errorf("servingshell: activator: %w", err), sh.Close())
	}
	sh.gwAddr, sh.actAddr = sh.gwLn.Addr().String(), sh.actLn.Addr().String()
	if sh.cfg.Client != nil {
		if err := sh.syncOnce(ctx); err != nil {
			_, _ = sh.gwLn.Close(), sh.actLn.Close()
			return errors.Join(err, sh.Close())
		}
	}
	sh.gwSrv, sh.actSrv = newServer(sh.gateway, sh.cfg.Listen), newServer(http.HandlerFunc(sh.serveActivator), sh.cfg.Listen)
	for _, s := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{sh.gwSrv, sh.gwLn}, {sh.actSrv, sh.actLn}} {
		sh.wg.Add(1)
		go func() {
			defer sh.wg.Done()
			_ = s.srv.Serve(s.ln) // ErrServerClosed after Close
		}()
	}
	if sh.cfg.Client != nil {
		sh.loop(ctx, sh.cfg.SyncPeriod, func(time.Time) {
			if err := sh.syncOnce(ctx); err != nil && ctx.Err() == nil && sh.cfg.OnError != nil {
				sh.cfg.OnError(err)
			}
		})
	}
	if sh.cfg.Metrics != nil || sh.cfg.OnSecond != nil {
		sh.loop(ctx, reportingPeriod, sh.report)
	}
	return nil
}

// Addr is the gateway's host:port once Start has returned.
func (sh *Shell) Addr() string { return sh.gwAddr }

// ActivatorAddr is the activator's host:port once Start has returned.
func (sh *Shell) ActivatorAddr() string { return sh.actAddr }

// Close stops the loops and the servers, giving requests in flight up to
// two seconds, and waits for everything the shell started.
func (sh *Shell) Close() error {
	sh.syncMu.Lock()
	if sh.closed {
		sh.syncMu.Unlock()
		return nil
	}
	sh.closed = true
	close(sh.stop)
	sh.syncMu.Unlock()

	var wg sync.WaitGroup
	for _, srv := range []*http.Server{sh.gwSrv, sh.actSrv} {
		if srv != nil {
			wg.Go(func() { shutdown(srv, closeGrace) })
		}
	}
	wg.Wait()
	sh.mu.RLock()
	var pods []*pod
	for _, rev := range sh.revs {
		pods = append(pods, rev.ready...)
	}
	for pd := range sh.draining {
		pods = append(pods, pd)
	}
	sh.mu.RUnlock()
	for _, pd := range pods {
		_ = pd.srv.Close()
		<-pd.served
	}
	sh.wg.Wait()
	sh.forward.transport.CloseIdleConnections()
	return nil
}

// loop calls f on every tick of period until ctx ends or the shell closes.
func (sh *Shell) loop(ctx context.Context, period time.Duration, f func(now time.Time)) {
	t := sh.cfg.Clock.NewTicker(period)
	sh.wg.Add(1)
	go func() {
		defer sh.wg.Done()
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-sh.stop:
				return
			case now := <-t.C():
				f(now)
			}
		}
	}()
}

// poke is the activator's call for a revision with no ready pod.
func (sh *Shell) poke(key types.NamespacedName) {
	if sh.cfg.Metrics != nil {
		sh.cfg.Metrics.Poke(sh.cfg.Clock.Now(), key)
	}
}
