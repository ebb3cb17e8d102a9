package eventplane

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/topology"
)

// MaxDataBytes is the largest event the ingresses take (the real shells'
// body limit); a larger one is refused with 413.
const MaxDataBytes = 4 << 20

// DefaultHop is the latency of one in-process eventing hop (producer to
// ingress, ingress to channel, filter to broker for a reply).
const DefaultHop = time.Millisecond

// Sender sends one HTTP request to host through the Serving data plane;
// done must be called once, with the time the response arrived.
type Sender interface {
	Send(now time.Time, host string, done func(at time.Time, r Response))
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(now time.Time, host string, done func(at time.Time, r Response))

// Send implements Sender.
func (f SenderFunc) Send(now time.Time, host string, done func(time.Time, Response)) {
	f(now, host, done)
}

// Response is what the data plane answered.
type Response struct {
	// Status is the HTTP status.
	Status int
	// Service is the Knative Service that answered, "namespace/name" ("" when
	// the request did not reach one).
	Service string
}

// Config configures a Plane.
type Config struct {
	// Engine runs the events (required).
	Engine *engine.Engine
	// Sender reaches Services through the Serving data plane (required).
	Sender Sender
	// Behaviours of subscriber Services, by "namespace/name".
	Behaviours map[string]Behaviour
	// Hop is the in-process hop latency (default DefaultHop).
	Hop time.Duration
	// OnRecord, when set, sees every counted occurrence as it happens.
	OnRecord func(Record)
	// OnIngress, when set, sees every event a Broker or channel takes.
	OnIngress func(Ingressed)
}

// Plane is the simulated eventing data plane. Its files follow its roles:
// routing (route.go), the delivery jobs (job.go), the dispatchers and their
// restarts (dispatcher.go), subscribers' behaviour (subscriber.go) and
// counting (counting.go).
type Plane struct {
	cfg  Config
	eng  *engine.Engine
	rand *rand.Rand // error rates and reply probabilities
	hop  time.Duration
	// The cores, as the real shell runs them.
	registry *broker.Registry
	ingress  *broker.Ingress
	chans    *channel.Dispatcher
	// chanKeys are the channels installed in chans; hosts maps their
	// addresses' hosts to them.
	chanKeys map[channel.Key]bool
	hosts    map[string]channel.Key
	// owners is the dispatcher of each channel: memory, or its own one in
	// durables; source holds producers' direct sends to Services.
	owners   map[channel.Key]*dispatcher
	memory   *dispatcher
	durables map[channel.Key]*dispatcher
	source   *dispatcher
	// keys are the receipts of each (event, route, destination).
	keys     map[string]*keyState
	stats    Stats
	nextJob  uint64 // last job id
	nextID   uint64 // last typed reply's id
	finished bool   // Finish has counted the pending losses
}

// New returns a plane with no brokers or channels.
func New(cfg Config) (*Plane, error) {
	if cfg.Engine == nil {
		return nil, errors.New("eventplane: Engine is required")
	}
	if cfg.Sender == nil {
		return nil, errors.New("eventplane: Sender is required")
	}
	if cfg.Hop < 0 {
		return nil, errors.New("eventplane: Hop must not be negative")
	}
	if cfg.Hop == 0 {
		cfg.Hop = DefaultHop
	}
	reg := broker.NewRegistry()
	return &Plane{
		cfg:      cfg,
		eng:      cfg.Engine,
		rand:     cfg.Engine.Rand("eventplane"),
		hop:      cfg.Hop,
		registry: reg,
		ingress:  broker.NewIngress(reg, nil),
		chans:    channel.NewDispatcher(),
		chanKeys: map[channel.Key]bool{},
		hosts:    map[string]channel.Key{},
		owners:   map[channel.Key]*dispatcher{},
		memory:   &dispatcher{name: "in-memory", restartable: true, jobs: map[uint64]*job{}},
		durables: map[channel.Key]*dispatcher{},
		source:   &dispatcher{name: "sources", jobs: map[uint64]*job{}},
		keys:     map[string]*keyState{},
	}, nil
}

// Sync installs the control plane's current topology.
func (p *Plane) Sync(t *topology.Eventing) {
	p.registry.Install(t.Brokers)
	for k := range p.chanKeys {
		if _, ok := t.Channels[k]; !ok {
			p.chans.DeleteChannel(k)
			delete(p.chanKeys, k)
			delete(p.owners, k)
		}
	}
	p.hosts = map[string]channel.Key{}
	for k, c := range t.Channels {
		p.chans.SetChannel(k, c.Subscribers)
		p.chanKeys[k] = true
		p.hosts[c.Host] = k
		if c.Durable {
			d := p.durables[k]
			if d == nil {
				d = &dispatcher{name: "durable:" + k.String(), durable: true, restartable: true, jobs: map[uint64]*job{}}
				p.durables[k] = d
			}
			p.owners[k] = d
		} else {
			p.owners[k] = p.memory
		}
	}
}
