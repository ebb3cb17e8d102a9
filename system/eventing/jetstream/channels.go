package jetstream

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
)

// Key names a channel: its namespace and name.
type Key = channel.Key

// Subscriber is one subscription of a channel, resolved (see
// channel.SubscriberFromSpec). Its Name (the Subscription's
// namespace/name) names the durable consumer when set, else its UID; the
// UID must be set either way.
type Subscriber = channel.Subscriber

// SubscribersFromSpec resolves a channel's spec.subscribers, as the
// in-memory channel does (channel.SubscriberFromSpec).
func SubscribersFromSpec(specs []duck.SubscriberSpec) ([]Subscriber, error) {
	subs := make([]Subscriber, 0, len(specs))
	for _, s := range specs {
		sub, err := channel.SubscriberFromSpec(s)
		if err != nil {
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, nil
}

// Channels is the JetStream-backed channel class: the ingress
// (ServeHTTP) and the dispatcher for every channel set with SetChannel,
// over one NATS connection. It is safe for concurrent use.
type Channels struct {
	cfg Config
	clk Clock
	log *zap.Logger

	srv *Server // embedded server, owned; nil with Config.URL
	nc  *nats.Conn
	js  jetstream.JetStream

	// mu serialises configuration changes (SetChannel, DeleteChannel, Close).
	mu       sync.Mutex
	channels map[Key]*chanState
	// routes is what the ingress reads: channel -> subject.
	routes atomic.Pointer[map[Key]string]

	// ctx is cancelled when Close gives up waiting: attempts in flight
	// abort and their events go back to JetStream.
	ctx    context.Context
	cancel context.CancelFunc

	// imu guards closing, inflight and wg.Add.
	imu      sync.Mutex
	closing  bool
	inflight map[*work]struct{}
	wg       sync.WaitGroup

	stopHeartbeat chan struct{}
	heartbeatDone chan struct{}
	closeOnce     sync.Once
	closeErr      error

	counters Counters
}

// chanState is one channel: its stream and a consumer per subscription.
type chanState struct {
	key       Key
	stream    string
	subject   string
	opts      ChannelOptions
	consumers map[string]*consumer // by consumer (durable) name
}

// consumer is one subscription's durable consumer and its consume loop.
type consumer struct {
	ch      *chanState
	durable string
	sub     atomic.Pointer[Subscriber]
	cc      jetstream.ConsumeContext
}

// New validates cfg, starts the embedded server (unless cfg.URL is set)
// and connects. The channels exist once SetChannel names them; streams and
// durable consumers left by an earlier run are picked up again.
func New(cfg Config) (*Channels, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, fmt.Errorf("jetstream channels: %w", err)
	}
	c := &Channels{
		cfg:           cfg,
		clk:           cfg.Clock,
		log:           cfg.Logger,
		channels:      map[Key]*chanState{},
		inflight:      map[*work]struct{}{},
		stopHeartbeat: make(chan struct{}),
		heartbeatDone: make(chan struct{}),
	}
	routes := map[Key]string{}
	c.routes.Store(&routes)
	c.ctx, c.cancel = context.WithCancel(context.Background())

	opts := append([]nats.Option{
		nats.Name("knsim-jetstream-" + cfg.Name),
		nats.MaxReconnects(-1),
	}, cfg.NATSOptions...)
	url := cfg.URL
	if url == "" {
		c.srv, err = StartServer(ServerConfig{StoreDir: cfg.StoreDir, DontListen: cfg.InProcess, SyncAlways: cfg.SyncAlways})
		if err != nil {
			return nil, fmt.Errorf("jetstream channels: %w", err)
		}
		url = c.srv.ClientURL()
		opts = append(opts, c.srv.ClientAuth())
		if cfg.InProcess {
			opts = append(opts, nats.InProcessServer(c.srv.NATS()))
		}
	}
	c.nc, err = nats.Connect(url, opts...)
	if err == nil {
		c.js, err = jetstream.New(c.nc, jetstream.WithDefaultTimeout(cfg.RequestTimeout))
	}
	if err != nil {
		c.shutdownConn()
		return nil, fmt.Errorf("jetstream channels: connecting to %q: %w", url, err)
	}
	go c.heartbeat()
	return c, nil
}

// ServerURL is the NATS URL the channels use: the external URL, or the
// embedded server's ("" when it runs in process).
func (c *Channels) ServerURL() string {
	if c.srv != nil {
		return c.srv.ClientURL()
	}
	return c.cfg.URL
}

// ServerToken is the embedded server's client token ("" with an external
// URL): a NATS client such as the nats CLI needs it (--token). It is a
// secret; knsim never logs it.
func (c *Channels) ServerToken() string {
	if c.srv != nil {
		return c.srv.Token()
	}
	return ""
}

// StoreDir is the embedded server's store folder ("" with an external URL).
func (c *Channels) StoreDir() string {
	if c.srv != nil {
		return c.srv.StoreDir()
	}
	return ""
}

// Counters are the channels' counters.
func (c *Channels) Counters() *Counters { return &c.counters }

// SetChannel creates or updates the channel ns/name: its stream (one per
// channel, file storage, interest retention) and one durable consumer per
// subscriber (named from its Subscription's namespace/name, else its UID;
// explicit ack, max deliver 1 + retry + spare), and starts dispatching. A
// consumer left in the store by an earlier run under the same name is
// resumed with what it kept. Subscribers no longer listed lose their
// consumer and whatever it had pending. A subscriber added later gets the
// events published from then on.
func (c *Channels) SetChannel(ns, name string, subs []Subscriber) error {
	return c.SetChannelWith(ns, name, subs, ChannelOptions{})
}

// SetChannelWith is SetChannel with the channel's own stream and consumer
// settings (see ChannelOptions). A setting JetStream cannot change on an
// existing stream or consumer (storage, retention, deliver policy) makes
// it fail.
func (c *Channels) SetChannelWith(ns, name string, subs []Subscriber, opts ChannelOptions) error {
	k := Key{Namespace: ns, Name: name}
	if err := checkKey(k); err != nil {
		return fmt.Errorf("jetstream channel %s: %w", k, err)
	}
	durables := map[string]string{}
	for i, s := range subs {
		if s.UID == "" {
			return fmt.Errorf("jetstream channel %s: subscriber %d: uid is required", k, i)
		}
		if err := checkSubscriberName(s.Name); err != nil {
			return fmt.Errorf("jetstream channel %s: subscriber %s: %w", k, s.UID, err)
		}
		if err := checkTarget(s.SubscriberURI); err != nil {
			return fmt.Errorf("jetstream channel %s: subscriber %s: subscriberUri: %w", k, s.UID, err)
		}
		for field, u := range map[string]string{"replyUri": s.ReplyURI, "deadLetterUri": s.Delivery.DeadLetterURI} {
			if u == "" {
				continue
			}
			if err := checkTarget(u); err != nil {
				return fmt.Errorf("jetstream channel %s: subscriber %s: %s: %w", k, s.UID, field, err)
			}
		}
		if s.Delivery.Retry < 0 {
			return fmt.Errorf("jetstream channel %s: subscriber %s: retry %d must be >= 0", k, s.UID, s.Delivery.Retry)
		}
		d := durableFor(&s)
		if other, dup := durables[d]; dup {
			return fmt.Errorf("jetstream channel %s: subscribers %s and %s map to one consumer name %q", k, other, subscriberLabel(&s), d)
		}
		durables[d] = subscriberLabel(&s)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isClosing() {
		return errors.New("jetstream channels: closed")
	}
	ctx := context.Background()
	st := c.channels[k]
	if st == nil {
		st = &chanState{key: k, stream: c.streamFor(k), subject: c.subjectFor(k), consumers: map[string]*consumer{}}
	}
	st.opts = opts
	if _, err := c.js.CreateOrUpdateStream(ctx, c.streamConfig(st, opts)); err != nil {
		return fmt.Errorf("jetstream channel %s: stream %s: %w", k, st.stream, err)
	}
	c.channels[k] = st

	for i := range subs {
		s := subs[i]
		if err := c.setConsumer(ctx, st, &s); err != nil {
			return fmt.Errorf("jetstream channel %s: subscriber %s: %w", k, subscriberLabel(&s), err)
		}
	}
	for durable, cons := range st.consumers {
		if _, keep := durables[durable]; keep {
			continue
		}
		cons.cc.Stop()
		delete(st.consumers, durable)
		if err := c.js.DeleteConsumer(ctx, st.stream, durable); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return fmt.Errorf("jetstream channel %s: removing consumer %s: %w", k, durable, err)
		}
	}
	c.setRoute(k, st.subject)
	return nil
}

// setConsumer creates or updates s's durable consumer and starts its
// consume loop if it is not running.
func (c *Channels) setConsumer(ctx context.Context, st *chanState, s *Subscriber) error {
	ccfg := c.consumerConfig(st, s)
	durable := ccfg.Durable
	jc, err := c.js.CreateOrUpdateConsumer(ctx, st.stream, ccfg)
	if err != nil {
		return fmt.Errorf("consumer %s: %w", durable, err)
	}
	if cons, ok := st.consumers[durable]; ok {
		cons.sub.Store(s)
		return nil
	}
	cons := &consumer{ch: st, durable: durable}
	cons.sub.Store(s)
	cc, err := jc.Consume(func(m jetstream.Msg) { c.receive(cons, m) },
		jetstream.PullMaxMessages(ccfg.MaxAckPending),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			c.log.Debug("jetstream consume", zap.String("consumer", durable), zap.Error(err))
		}))
	if err != nil {
		return fmt.Errorf("consume %s: %w", durable, err)
	}
	cons.cc = cc
	st.consumers[durable] = cons
	return nil
}

// DeleteChannel stops dispatching ns/name and deletes its stream, with
// every event still pending in it.
func (c *Channels) DeleteChannel(ns, name string) error {
	k := Key{Namespace: ns, Name: name}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.channels[k]
	if st == nil {
		return nil
	}
	c.deleteRoute(k)
	for _, cons := range st.consumers {
		cons.cc.Stop()
	}
	delete(c.channels, k)
	if err := c.js.DeleteStream(context.Background(), st.stream); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("jetstream channel %s: deleting stream %s: %w", k, st.stream, err)
	}
	return nil
}

func (c *Channels) setRoute(k Key, subject string) {
	old := *c.routes.Load()
	m := make(map[Key]string, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[k] = subject
	c.routes.Store(&m)
}

func (c *Channels) deleteRoute(k Key) {
	old := *c.routes.Load()
	m := make(map[Key]string, len(old))
	for k, v := range old {
		m[k] = v
	}
	delete(m, k)
	c.routes.Store(&m)
}

func (c *Channels) isClosing() bool {
	c.imu.Lock()
	defer c.imu.Unlock()
	return c.closing
}

// Close shuts down cleanly: the ingress answers 503, consumers stop
// pulling (events already pulled go back to JetStream at once), deliveries
// in flight get up to DrainTimeout to finish, then are aborted and handed
// back (nak) for redelivery after a restart. Then the connection closes
// and the embedded server, if any, stops. Nothing acked by JetStream is
// lost; the store keeps it for the next New on the same store.
func (c *Channels) Close() error {
	c.closeOnce.Do(func() {
		c.imu.Lock()
		c.closing = true
		c.imu.Unlock()

		// Drain hands what the consumers already pulled to receive, which
		// naks it (closing); without a connection there is nothing to
		// drain, and JetStream redelivers after AckWait.
		connected := c.nc.IsConnected()
		c.mu.Lock()
		var ccs []jetstream.ConsumeContext
		for _, st := range c.channels {
			for _, cons := range st.consumers {
				if connected {
					cons.cc.Drain()
					ccs = append(ccs, cons.cc)
				} else {
					cons.cc.Stop()
				}
			}
		}
		c.mu.Unlock()

		expired := make(chan struct{})
		deadline := c.clk.AfterFunc(c.cfg.DrainTimeout, func() { close(expired) })
		for _, cc := range ccs {
			select {
			case <-cc.Closed():
			case <-expired:
			}
		}
		drained := make(chan struct{})
		go func() {
			c.wg.Wait()
			close(drained)
		}()
		select {
		case <-drained:
		case <-expired:
			c.log.Info("jetstream channels: drain timeout; aborting deliveries in flight")
			c.cancel()
			<-drained
		}
		deadline.Stop()
		c.cancel()
		close(c.stopHeartbeat)
		<-c.heartbeatDone
		// Make sure the last acks and naks reached the server (not while
		// it is unreachable: they are lost anyway, and JetStream redelivers).
		if c.nc.IsConnected() {
			if err := c.nc.FlushTimeout(c.cfg.RequestTimeout); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
				c.closeErr = fmt.Errorf("jetstream channels: flushing: %w", err)
			}
		}
		c.shutdownConn()
	})
	return c.closeErr
}

// shutdownConn closes the connection and stops the embedded server.
func (c *Channels) shutdownConn() {
	if c.nc != nil {
		c.nc.Close()
	}
	if c.srv != nil {
		c.srv.Shutdown()
	}
}

// heartbeat tells JetStream that deliveries in flight are still being
// worked on (InProgress), every AckWait/3, so AckWait only expires when
// the dispatcher is gone.
func (c *Channels) heartbeat() {
	defer close(c.heartbeatDone)
	every := c.cfg.AckWait / 3
	t := c.clk.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-c.stopHeartbeat:
			return
		case <-t.C():
		}
		c.imu.Lock()
		ws := make([]*work, 0, len(c.inflight))
		for w := range c.inflight {
			ws = append(ws, w)
		}
		c.imu.Unlock()
		for _, w := range ws {
			_ = w.msg.InProgress()
		}
		t.Reset(every)
	}
}

// checkTarget accepts absolute http and https URLs.
func checkTarget(s string) error {
	if s == "" {
		return errors.New("required")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an absolute http or https URL", s)
	}
	return nil
}

// Counters count the channels' traffic; safe for concurrent use.
type Counters struct {
	accepted, publishFailed                  atomic.Int64
	attempts, redelivered, naks, undecodable atomic.Int64
	replies, repliesDropped, aborted         atomic.Int64
	rejected                                 sync.Map // channel.Reason -> *atomic.Int64
	delivery                                 delivery.Stats
}

// Snapshot is a point-in-time copy of Counters.
type Snapshot struct {
	// Accepted events: stored by JetStream and answered 202.
	Accepted int64
	// Rejected requests by reason (PublishFailed ones under ReasonUnavailable).
	Rejected map[channel.Reason]int64
	// PublishFailed publishes JetStream did not ack (503 or 413).
	PublishFailed int64
	// Attempts sent to subscribers.
	Attempts int64
	// Redelivered messages JetStream delivered more than once (retries,
	// and events handed back by a restart).
	Redelivered int64
	// Naks are events handed back for a later retry.
	Naks int64
	// Aborted deliveries cut short by Close, handed back for redelivery.
	Aborted int64
	// Undecodable messages in a stream that are not CloudEvents (terminated).
	Undecodable int64
	// Replies received from subscribers.
	Replies int64
	// RepliesDropped replies of subscribers without a replyUri.
	RepliesDropped int64
	// Delivery outcomes (delivered, forwarded replies, retries,
	// dead-lettered, lost).
	Delivery delivery.StatsSnapshot
}

// Snapshot copies the counters.
func (c *Counters) Snapshot() Snapshot {
	s := Snapshot{
		Accepted:       c.accepted.Load(),
		PublishFailed:  c.publishFailed.Load(),
		Attempts:       c.attempts.Load(),
		Redelivered:    c.redelivered.Load(),
		Naks:           c.naks.Load(),
		Aborted:        c.aborted.Load(),
		Undecodable:    c.undecodable.Load(),
		Replies:        c.replies.Load(),
		RepliesDropped: c.repliesDropped.Load(),
		Rejected:       map[channel.Reason]int64{},
		Delivery:       c.delivery.Snapshot(),
	}
	c.rejected.Range(func(k, v any) bool {
		s.Rejected[k.(channel.Reason)] = v.(*atomic.Int64).Load()
		return true
	})
	return s
}

func (c *Counters) reject(r channel.Reason) {
	v, _ := c.rejected.LoadOrStore(r, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}
