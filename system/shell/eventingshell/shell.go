package eventingshell

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/httpserve"
	"github.com/knsim/knsim/system/topology"
)

// DefaultResync is how often the shell re-reads the topology.
const DefaultResync = 500 * time.Millisecond

// DefaultWriteTimeout bounds writing an ingress's answer, from the end of
// the request headers: the ingresses answer as soon as an event is read
// (and, on a durable channel, stored).
const DefaultWriteTimeout = time.Minute

// Config configures Start.
type Config struct {
	// Client reads Brokers, Triggers and channels (the world's client).
	Client client.Reader
	// Clock drives the resync ticker, retries and timeouts (default: the
	// wall clock).
	Clock clock.WithTickerAndDelayedExecution
	// BrokerAddr and ChannelAddr are the listen addresses of the broker
	// and channel ingresses (default "127.0.0.1:0": a free port).
	BrokerAddr, ChannelAddr string
	// GatewayAddr is the Serving gateway's host:port, where deliveries to
	// Knative Services and Routes go ("" sends them to their own host).
	GatewayAddr string
	// JetStream configures the durable channel class. Its Client and
	// Clock are set by the shell.
	JetStream jetstream.Config
	// Resync is how often the topology is re-read (default DefaultResync).
	Resync time.Duration
	// MaxBodyBytes bounds event bodies at both ingresses (413 above it);
	// 0 means 4 MiB.
	MaxBodyBytes int64
	// Listen holds the timeouts of both ingresses' listeners (zero
	// fields: httpserve's defaults; WriteTimeout: DefaultWriteTimeout).
	// A body not received within Listen.BodyReadTimeout gets 408.
	Listen httpserve.Limits
	// Broker bounds what the broker ingress buffers (zero fields:
	// broker's defaults).
	Broker broker.Bounds
	// OnError is told about failed syncs (nil: ignored; the next tick
	// retries).
	OnError func(error)
	// PruneConsumers deletes the durable consumers that no Subscription
	// claims any more (jetstream.Channels.PruneConsumers), such as those
	// of Subscriptions deleted while the shell was down. Set it only when
	// the control plane keeps its state across restarts (knsim up
	// --state-dir): on a fresh control plane the Subscriptions have not
	// been applied again yet, and their consumers must wait for them.
	PruneConsumers bool
}

// Shell is the running eventing data plane.
type Shell struct {
	cfg       Config
	router    router
	registry  *broker.Registry
	ingress   *broker.Ingress
	chans     *channel.Dispatcher
	durable   *jetstream.Channels
	x         *delivery.Dispatcher
	hc        *http.Client
	brokerLn  net.Listener
	channelLn net.Listener
	servers   []*http.Server
	ticker    clock.Ticker
	stop      chan struct{}
	done      sync.WaitGroup

	mu          sync.Mutex
	durableKeys map[channel.Key]bool // channels served by JetStream now
	memoryKeys  map[channel.Key]bool // channels served in memory now
	// pruned holds, per durable channel, the claims its stale consumers
	// were last pruned against (PruneConsumers).
	pruned map[channel.Key]string
}

// Start listens, runs a first Sync, and keeps the shell in step with the
// control plane until Close.
func Start(ctx context.Context, cfg Config) (*Shell, error) {
	if cfg.Client == nil {
		return nil, errors.New("eventingshell: Client is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Resync <= 0 {
		cfg.Resync = DefaultResync
	}
	if cfg.BrokerAddr == "" {
		cfg.BrokerAddr = "127.0.0.1:0"
	}
	if cfg.ChannelAddr == "" {
		cfg.ChannelAddr = "127.0.0.1:0"
	}
	if cfg.Listen.WriteTimeout == 0 {
		cfg.Listen.WriteTimeout = DefaultWriteTimeout
	}
	// Validate the listeners' limits before anything listens.
	if _, err := httpserve.New(http.NotFoundHandler(), cfg.Listen); err != nil {
		return nil, fmt.Errorf("eventingshell: %w", err)
	}
	p := &Shell{cfg: cfg, registry: broker.NewRegistry(), chans: channel.NewDispatcher(),
		stop: make(chan struct{}), durableKeys: map[channel.Key]bool{}, memoryKeys: map[channel.Key]bool{},
		pruned: map[channel.Key]string{}}
	p.ingress = broker.NewIngress(p.registry, nil)
	var err error
	if p.brokerLn, err = net.Listen("tcp", cfg.BrokerAddr); err != nil {
		return nil, fmt.Errorf("eventingshell: broker ingress: %w", err)
	}
	if p.channelLn, err = net.Listen("tcp", cfg.ChannelAddr); err != nil {
		return nil, errors.Join(fmt.Errorf("eventingshell: channel ingress: %w", err), p.brokerLn.Close())
	}
	p.router = router{broker: p.brokerLn.Addr().String(), channel: p.channelLn.Addr().String(), gateway: cfg.GatewayAddr}
	hc := &http.Client{Transport: p.router.transport()}
	p.hc = hc
	clk := cfg.Clock
	// The broker's and channels' deliveries go over the dispatcher's own
	// HTTP/1.1 pool, dialling where the router says; JetStream's
	// deliveries use hc.
	p.x = delivery.NewDispatcher(clk, delivery.DispatcherOptions{DialContext: p.router.dial, MaxResponseBytes: cfg.MaxBodyBytes})
	js := cfg.JetStream
	js.Client, js.Clock = hc, clk
	if js.MaxBodyBytes == 0 {
		js.MaxBodyBytes = cfg.MaxBodyBytes
	}
	if p.durable, err = jetstream.New(js); err != nil {
		p.x.Close()
		return nil, errors.Join(fmt.Errorf("eventingshell: durable channels: %w", err), p.brokerLn.Close(), p.channelLn.Close())
	}
	bh, err := broker.NewBoundedHandler(p.ingress, p.x, cfg.Clock, broker.HandlerOptions{MaxBodyBytes: cfg.MaxBodyBytes, Bounds: cfg.Broker})
	if err != nil {
		p.x.Close()
		return nil, errors.Join(fmt.Errorf("eventingshell: broker ingress: %w", err), p.durable.Close(), p.brokerLn.Close(), p.channelLn.Close())
	}
	mh := channel.NewHandler(p.chans, p.x, channel.HandlerOptions{MaxBodyBytes: cfg.MaxBodyBytes})
	p.serve(p.brokerLn, bh)
	p.serve(p.channelLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// One listener for both classes: the channel's host picks one.
		if k, status := channel.ParseTarget(r.Host, r.URL.Path); status == 0 && p.isDurable(k) {
			p.durable.ServeHTTP(w, r)
			return
		}
		mh.ServeHTTP(w, r)
	}))
	if err := p.Sync(ctx); err != nil && cfg.OnError != nil {
		cfg.OnError(err)
	}
	p.ticker = cfg.Clock.NewTicker(cfg.Resync)
	p.done.Add(1)
	go p.loop(ctx)
	return p, nil
}

// serve serves h on ln with the configured timeouts (validated in Start).
func (p *Shell) serve(ln net.Listener, h http.Handler) {
	s, _ := httpserve.New(h, p.cfg.Listen)
	p.servers = append(p.servers, s)
	go func() { _ = s.Serve(ln) }()
}

// loop re-reads the topology at every tick until Close or ctx ends.
func (p *Shell) loop(ctx context.Context) {
	defer p.done.Done()
	for {
		select {
		case <-p.stop:
			return
		case <-ctx.Done():
			return
		case <-p.ticker.C():
			if err := p.Sync(ctx); err != nil && p.cfg.OnError != nil && ctx.Err() == nil {
				p.cfg.OnError(err)
			}
		}
	}
}

// BrokerURL is the broker ingress's base URL; a Broker ns/name takes
// events at BrokerURL()+"/ns/name".
func (p *Shell) BrokerURL() string { return "http://" + p.brokerLn.Addr().String() }

// ChannelURL is the channel ingress's base URL; a request must carry the
// channel's host ({name}-kn-channel.{ns}.svc.cluster.local) as Host.
func (p *Shell) ChannelURL() string { return "http://" + p.channelLn.Addr().String() }

// BrokerCounters are the broker ingress's counters.
func (p *Shell) BrokerCounters() broker.Snapshot { return p.ingress.Counters().Snapshot() }

// Durable is the JetStream channel class the shell runs.
func (p *Shell) Durable() *jetstream.Channels { return p.durable }

// DurableChannels lists the channels JetStream serves now.
func (p *Shell) DurableChannels() []channel.Key {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]channel.Key, 0, len(p.durableKeys))
	for k := range p.durableKeys {
		out = append(out, k)
	}
	return out
}

func (p *Shell) isDurable(k channel.Key) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.durableKeys[k]
}

// Sync reads the topology and installs it: brokers and triggers, in-memory
// channels, and durable channels on JetStream (a channel that changes class
// moves).
func (p *Shell) Sync(ctx context.Context) error {
	top, err := topology.ReadEventing(ctx, p.cfg.Client)
	if err != nil {
		return err
	}
	p.registry.Install(top.Brokers)
	p.mu.Lock()
	defer p.mu.Unlock()
	errs := append([]error(nil), top.Skipped...)
	for k := range p.memoryKeys {
		if c, ok := top.Channels[k]; !ok || c.Durable {
			p.chans.DeleteChannel(k)
			delete(p.memoryKeys, k)
		}
	}
	for k := range p.durableKeys {
		if c, ok := top.Channels[k]; !ok || !c.Durable {
			if err := p.durable.DeleteChannel(k.Namespace, k.Name); err != nil {
				errs = append(errs, err)
			}
			delete(p.durableKeys, k)
			delete(p.pruned, k)
		}
	}
	for k, c := range top.Channels {
		if !c.Durable {
			p.chans.SetChannel(k, c.Subscribers)
			p.memoryKeys[k] = true
			continue
		}
		opts, err := jetstream.OptionsFromAPI(c.Stream, c.Consumer)
		if err != nil {
			errs = append(errs, fmt.Errorf("durable channel %s: %w", k, err))
			continue
		}
		if err := p.durable.SetChannelWith(k.Namespace, k.Name, c.Subscribers, opts); err != nil {
			errs = append(errs, fmt.Errorf("durable channel %s: %w", k, err))
			continue
		}
		p.durableKeys[k] = true
		if err := p.prune(k, c.Claims); err != nil {
			errs = append(errs, fmt.Errorf("durable channel %s: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

// Close stops the resync, the listeners and the dispatchers (JetStream
// keeps what it stored for the next start on the same store folder).
func (p *Shell) Close() error {
	close(p.stop)
	p.ticker.Stop()
	p.done.Wait()
	var errs []error
	for _, s := range p.servers {
		errs = append(errs, s.Close())
	}
	errs = append(errs, p.durable.Close())
	p.x.Close()
	return errors.Join(errs...)
}

// prune deletes k's stale consumers when PruneConsumers is on and the
// channel's claims changed since the last prune (at the first sync, and
// after a Subscription of the channel went away).
func (p *Shell) prune(k channel.Key, claims []string) error {
	if !p.cfg.PruneConsumers {
		return nil
	}
	sig := strings.Join(claims, "\n")
	if last, ok := p.pruned[k]; ok && last == sig {
		return nil
	}
	if _, err := p.durable.PruneConsumers(k.Namespace, k.Name, claims); err != nil {
		return err
	}
	p.pruned[k] = sig
	return nil
}
