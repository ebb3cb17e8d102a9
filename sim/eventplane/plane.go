package eventplane

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
	"github.com/knsim/knsim/system/network"
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

// Behaviour is how a subscriber Service treats the events it gets, on top
// of what its containers do in the data plane.
type Behaviour struct {
	// ErrorRate is the fraction of 2xx answers turned into Status.
	ErrorRate float64
	// Status of failures (default 500).
	Status int
	// Down lists times when every event fails with Status at once, without
	// reaching the containers.
	Down []Window
	// Reply, when set, answers some events with a CloudEvent.
	Reply *Reply
}

// Window is an interval of virtual time [From, To).
type Window struct{ From, To time.Time }

// Reply describes a subscriber's reply.
type Reply struct {
	// Type of the reply; "" replies with the event received (same id).
	Type string
	// Source of a typed reply (default "/knsim/subscribers/<service>").
	Source string
	// Probability of a reply for an event that passes When (0 means 1).
	Probability float64
	// When restricts replies to events it passes (nil: every event).
	When *filter.Filter
}

func (b Behaviour) status() int {
	if b.Status == 0 {
		return http.StatusInternalServerError
	}
	return b.Status
}

func (b Behaviour) down(now time.Time) bool {
	for _, w := range b.Down {
		if !now.Before(w.From) && now.Before(w.To) {
			return true
		}
	}
	return false
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
}

// RecordKind names what a Record counts.
type RecordKind string

// The record kinds; see the package documentation for their meaning.
const (
	Produced     RecordKind = "produced"
	Accepted     RecordKind = "accepted"
	Rejected     RecordKind = "rejected"
	Delivered    RecordKind = "delivered"
	Duplicate    RecordKind = "duplicate"
	Retried      RecordKind = "retry"
	DeadLettered RecordKind = "deadlettered"
	DroppedTTL   RecordKind = "droppedTTL"
	Filtered     RecordKind = "filtered"
	Lost         RecordKind = "lost"
)

// Record is one counted occurrence.
type Record struct {
	Kind RecordKind
	// At is when it happened.
	At time.Time
	// Service is the destination Service ("namespace/name"), when the
	// occurrence concerns a delivery to one.
	Service string
	// Latency from the producer's send (Delivered only).
	Latency time.Duration
}

// Stats are the plane's counters.
type Stats struct {
	Produced, Accepted, Rejected       int
	Delivered, Duplicates, Retries     int
	DeadLettered, DroppedTTL, Filtered int
	Lost, Replies                      int
	// InFlight counts deliveries still in progress.
	InFlight int
	// Latencies of the deliveries counted in Delivered, in order.
	Latencies []time.Duration
}

// dispatcher holds the deliveries of one dispatch process.
type dispatcher struct {
	name    string
	durable bool
	// restartable is false for producers' direct sends.
	restartable bool
	downUntil   time.Time
	jobs        map[uint64]*job
}

func (d *dispatcher) down(now time.Time) bool { return now.Before(d.downUntil) }

// job is one delivery in progress.
type job struct {
	id    uint64
	d     *delivery.Delivery
	renew func() *delivery.Delivery
	owner *dispatcher
	bd    *broker.Dispatch
	cd    *channel.Dispatch
	born  time.Time
	// key identifies the (event, route, destination) for receipts; lostKey
	// is what a failure loses (the failed delivery's key for a dead letter).
	key, lostKey string
	// service is the destination Service, or for a dead letter the one
	// that failed.
	service string
	gen     int
	attempt int
	waiting bool
	timer   engine.EventID
	hasTmr  bool
}

// keyState tracks the answers one (event, route, destination) got.
type keyState struct {
	receipts, outstanding int
	pendingLost           bool
	service               string
	at                    time.Time
}

// Plane is the simulated eventing data plane.
type Plane struct {
	cfg      Config
	eng      *engine.Engine
	rand     *rand.Rand
	hop      time.Duration
	registry *broker.Registry
	ingress  *broker.Ingress
	chans    *channel.Dispatcher
	chanKeys map[channel.Key]bool
	hosts    map[string]channel.Key
	owners   map[channel.Key]*dispatcher
	memory   *dispatcher
	durables map[channel.Key]*dispatcher
	source   *dispatcher
	keys     map[string]*keyState
	stats    Stats
	nextJob  uint64
	nextID   uint64
	finished bool
}

var errTimeout = errors.New("attempt timed out")

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
	for _, k := range p.registry.Keys() {
		if _, ok := t.Brokers[k]; !ok {
			p.registry.DeleteBroker(k)
		}
	}
	for k, b := range t.Brokers {
		p.registry.SetBroker(k, b.Delivery)
		p.registry.SetTriggers(k, b.Triggers)
	}
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

// Produce sends a producer's event (of dataSize bytes of data) to uri at
// now; the plane takes ownership of ev.
func (p *Plane) Produce(now time.Time, uri string, ev cloudevents.Event, dataSize int64) {
	p.count(Record{Kind: Produced, At: now})
	u, err := url.Parse(uri)
	if uri == "" || err != nil || u.Hostname() == "" {
		p.count(Record{Kind: Rejected, At: now})
		return
	}
	host, path := u.Hostname(), pathOf(uri)
	p.eng.Schedule(now.Add(p.hop), func(at time.Time) {
		switch p.route(host) {
		case toBroker:
			p.toBroker(at, path, &ev, now, dataSize)
		case toChannel:
			p.toChannel(at, host, path, &ev, now, dataSize)
		default:
			if dataSize > MaxDataBytes {
				p.count(Record{Kind: Rejected, At: at})
				return
			}
			d := delivery.New(&ev, uri, delivery.NoRetry(), delivery.Options{})
			p.startJob(at, newJob{d: d, owner: p.source, born: now, route: "source"})
		}
	})
}

// RestartDispatchers restarts the dispatchers of a class ("in-memory",
// "durable" or "" for both) at now; they are back after downtime.
func (p *Plane) RestartDispatchers(now time.Time, class string, downtime time.Duration) {
	var ds []*dispatcher
	if class == "" || class == "in-memory" {
		ds = append(ds, p.memory)
	}
	if class == "" || class == "durable" {
		keys := make([]channel.Key, 0, len(p.durables))
		for k := range p.durables {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b channel.Key) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			ds = append(ds, p.durables[k])
		}
	}
	back := now.Add(downtime)
	for _, d := range ds {
		d.downUntil = back
		ids := make([]uint64, 0, len(d.jobs))
		for id := range d.jobs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			j := d.jobs[id]
			p.stop(j)
			j.gen++
			if !d.durable {
				p.finish(j)
				p.lose(now, j.lostKey, j.service)
				continue
			}
			// The stream still holds the event: redeliver from the first
			// attempt once the consumer is back.
			j.d = j.renew()
			p.count(Record{Kind: Retried, At: now, Service: j.service})
			p.scheduleAttempt(j, back)
		}
	}
}

// Finish ends the run at now: deliveries that failed while an answer was
// still on its way, and got none, count as lost. It returns the counters.
func (p *Plane) Finish(now time.Time) Stats {
	if !p.finished {
		p.finished = true
		keys := make([]string, 0, len(p.keys))
		for k, ks := range p.keys {
			if ks.pendingLost && ks.receipts == 0 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			ks := p.keys[k]
			ks.pendingLost = false
			p.count(Record{Kind: Lost, At: now, Service: ks.service})
		}
	}
	return p.Stats()
}

// Stats returns a copy of the counters.
func (p *Plane) Stats() Stats {
	s := p.stats
	s.Latencies = slices.Clone(p.stats.Latencies)
	s.InFlight = len(p.memory.jobs) + len(p.source.jobs)
	for _, d := range p.durables {
		s.InFlight += len(d.jobs)
	}
	return s
}

// count adds one occurrence to the stats and reports it.
func (p *Plane) count(r Record) {
	s := &p.stats
	switch r.Kind {
	case Produced:
		s.Produced++
	case Accepted:
		s.Accepted++
	case Rejected:
		s.Rejected++
	case Delivered:
		s.Delivered++
		s.Latencies = append(s.Latencies, r.Latency)
	case Duplicate:
		s.Duplicates++
	case Retried:
		s.Retries++
	case DeadLettered:
		s.DeadLettered++
	case DroppedTTL:
		s.DroppedTTL++
	case Filtered:
		s.Filtered++
	case Lost:
		s.Lost++
	}
	if p.cfg.OnRecord != nil {
		p.cfg.OnRecord(r)
	}
}

type routeKind int

const (
	toService routeKind = iota
	toBroker
	toChannel
)

// route says what serves host: the broker ingress and channel hosts by
// their names (network.Classify), a host the topology lists for a channel
// whatever its form, and anything else through the Serving data plane.
func (p *Plane) route(host string) routeKind {
	switch network.Classify(host) {
	case network.Broker:
		return toBroker
	case network.Channel:
		return toChannel
	}
	if _, ok := p.hosts[host]; ok {
		return toChannel
	}
	return toService
}

// toBroker is the broker ingress: it returns the status it answers.
func (p *Plane) toBroker(now time.Time, path string, ev *cloudevents.Event, born time.Time, size int64) int {
	if p.memory.down(now) {
		p.count(Record{Kind: Rejected, At: now})
		return http.StatusServiceUnavailable
	}
	var decodeErr error
	if size > MaxDataBytes {
		decodeErr = fmt.Errorf("%d bytes: %w", size, eventing.ErrBodyTooLarge)
	}
	resp := p.ingress.Accept(now, http.MethodPost, path, ev, decodeErr)
	p.afterBroker(now, resp, born)
	return resp.Status
}

// afterBroker counts an ingress answer and fans an accepted event out.
func (p *Plane) afterBroker(now time.Time, resp broker.Response, born time.Time) {
	switch {
	case resp.Accepted():
		p.count(Record{Kind: Accepted, At: now})
	case resp.Reason == broker.ReasonTTL:
		p.count(Record{Kind: DroppedTTL, At: now})
		return
	default:
		p.count(Record{Kind: Rejected, At: now})
		return
	}
	b, ok := p.registry.Lookup(resp.Broker)
	if !ok {
		return
	}
	ds := p.ingress.Fanout(resp)
	for range len(b.Triggers) - len(ds) {
		p.count(Record{Kind: Filtered, At: now})
	}
	for i := range ds {
		d := ds[i]
		p.startJob(now, newJob{d: d.Delivery, owner: p.memory, bd: &d, born: born,
			route: "trigger:" + d.Trigger.Namespace + "/" + d.Trigger.Name})
	}
}

// toChannel is a channel's receiver: it returns the status it answers.
func (p *Plane) toChannel(now time.Time, host, path string, ev *cloudevents.Event, born time.Time, size int64) int {
	key, st := channel.ParseTarget(host, path)
	owner := p.owners[key]
	if st == 0 && owner != nil && !owner.durable && owner.down(now) {
		p.count(Record{Kind: Rejected, At: now})
		return http.StatusServiceUnavailable
	}
	var decodeErr error
	if size > MaxDataBytes {
		decodeErr = fmt.Errorf("%d bytes: %w", size, eventing.ErrBodyTooLarge)
	}
	resp := p.chans.Accept(http.MethodPost, host, path, ev, decodeErr)
	if !resp.Accepted() {
		p.count(Record{Kind: Rejected, At: now})
		return resp.Status
	}
	p.count(Record{Kind: Accepted, At: now})
	if owner == nil {
		owner = p.memory
	}
	for _, d := range p.chans.Fanout(resp) {
		p.startJob(now, newJob{d: d.Delivery, opts: delivery.Options{DiscardNonEventReply: true}, owner: owner, cd: &d, born: born,
			route: "subscription:" + d.Subscriber.UID})
	}
	return resp.Status
}

// newJob describes a delivery to start.
type newJob struct {
	d       *delivery.Delivery
	opts    delivery.Options
	owner   *dispatcher
	bd      *broker.Dispatch
	cd      *channel.Dispatch
	born    time.Time
	route   string
	lostKey string
	service string
}

// startJob registers a delivery with its dispatcher and makes its first
// attempt.
func (p *Plane) startJob(now time.Time, n newJob) {
	p.nextJob++
	ev, target, policy, opts := n.d.Event(), n.d.Target(), n.d.Policy(), n.opts
	opts.Kind = n.d.Kind()
	j := &job{
		id: p.nextJob, d: n.d, owner: n.owner, bd: n.bd, cd: n.cd, born: n.born,
		renew: func() *delivery.Delivery { return delivery.New(ev, target, policy, opts) },
		key:   ev.ID() + "\x00" + ev.Source() + "\x00" + n.route + "\x00" + target,
	}
	j.lostKey = j.key
	if n.lostKey != "" {
		j.lostKey = n.lostKey
	}
	j.service = n.service
	if j.service == "" {
		j.service = serviceOfHost(hostOf(target))
	}
	n.owner.jobs[j.id] = j
	p.attempt(now, j)
}

// finish takes a job off its dispatcher.
func (p *Plane) finish(j *job) {
	p.stop(j)
	delete(j.owner.jobs, j.id)
}

// stop cancels the job's pending timer.
func (p *Plane) stop(j *job) {
	if j.hasTmr {
		p.eng.Cancel(j.timer)
		j.hasTmr = false
	}
	j.waiting = false
}

func (p *Plane) scheduleAttempt(j *job, at time.Time) {
	gen := j.gen
	j.timer = p.eng.Schedule(at, func(now time.Time) {
		j.hasTmr = false
		if j.gen == gen {
			p.attempt(now, j)
		}
	})
	j.hasTmr = true
}

// attempt makes one try of a job's delivery.
func (p *Plane) attempt(now time.Time, j *job) {
	if j.owner.down(now) {
		p.scheduleAttempt(j, j.owner.downUntil)
		return
	}
	j.attempt++
	j.waiting = true
	gen, tok := j.gen, j.attempt
	target := j.d.Target()
	u, err := url.Parse(target)
	if err != nil || u.Hostname() == "" {
		p.eng.Schedule(now, func(at time.Time) { p.outcome(at, j, gen, tok, delivery.Attempt{Err: errBadURI}) })
		return
	}
	host, path := u.Hostname(), pathOf(target)
	switch p.route(host) {
	case toBroker:
		p.eng.Schedule(now.Add(p.hop), func(at time.Time) {
			ev := j.d.Event().Clone()
			st := p.toBroker(at, path, &ev, j.born, 0)
			p.outcome(at, j, gen, tok, delivery.Attempt{Status: st})
		})
		return
	case toChannel:
		p.eng.Schedule(now.Add(p.hop), func(at time.Time) {
			ev := j.d.Event().Clone()
			st := p.toChannel(at, host, path, &ev, j.born, 0)
			p.outcome(at, j, gen, tok, delivery.Attempt{Status: st})
		})
		return
	}
	b := p.cfg.Behaviours[j.service]
	if b.down(now) {
		p.eng.Schedule(now.Add(p.hop), func(at time.Time) {
			p.outcome(at, j, gen, tok, delivery.Attempt{Status: b.status()})
		})
		return
	}
	ks := p.keyState(j.key, j.service)
	ks.outstanding++
	p.cfg.Sender.Send(now, host, func(at time.Time, r Response) { p.response(at, j, gen, tok, r) })
	if t := j.d.Timeout(); t > 0 {
		j.timer = p.eng.Schedule(now.Add(t), func(at time.Time) {
			j.hasTmr = false
			p.outcome(at, j, gen, tok, delivery.Attempt{Err: errTimeout})
		})
		j.hasTmr = true
	}
}

func (p *Plane) keyState(key, service string) *keyState {
	ks := p.keys[key]
	if ks == nil {
		ks = &keyState{service: service}
		p.keys[key] = ks
	}
	return ks
}

// response handles the data plane's answer to an attempt.
func (p *Plane) response(at time.Time, j *job, gen, tok int, r Response) {
	svc := r.Service
	if svc == "" {
		svc = j.service
	}
	b := p.cfg.Behaviours[svc]
	status := r.Status
	if delivery.IsSuccess(status) && b.ErrorRate > 0 && p.rand.Float64() < b.ErrorRate {
		status = b.status()
	}
	var reply *cloudevents.Event
	if delivery.IsSuccess(status) && j.d.Kind() != delivery.ToDeadLetter {
		p.receipt(at, j)
		if j.d.Kind() == delivery.ToSubscriber && b.Reply != nil {
			reply = p.makeReply(j.d.Event(), b.Reply, svc)
		}
	}
	ks := p.keys[j.key]
	ks.outstanding--
	if ks.pendingLost && ks.outstanding == 0 {
		ks.pendingLost = false
		if ks.receipts == 0 {
			p.count(Record{Kind: Lost, At: at, Service: ks.service})
		}
	}
	p.outcome(at, j, gen, tok, delivery.Attempt{Status: status, Reply: reply})
}

// receipt counts a 2xx answer from the destination.
func (p *Plane) receipt(at time.Time, j *job) {
	ks := p.keyState(j.key, j.service)
	ks.receipts++
	if ks.receipts == 1 {
		p.count(Record{Kind: Delivered, At: at, Service: j.service, Latency: at.Sub(j.born)})
		return
	}
	p.count(Record{Kind: Duplicate, At: at, Service: j.service})
}

// lose counts a delivery given up on, unless its destination answered 2xx
// (then it was delivered) or an answer is still on its way (then the
// answer decides).
func (p *Plane) lose(at time.Time, key, service string) {
	ks := p.keyState(key, service)
	switch {
	case ks.receipts > 0:
	case ks.outstanding > 0:
		ks.pendingLost = true
	default:
		p.count(Record{Kind: Lost, At: at, Service: service})
	}
}

// makeReply is a subscriber's reply to in, or nil.
func (p *Plane) makeReply(in *cloudevents.Event, r *Reply, service string) *cloudevents.Event {
	if r.When != nil && r.When.MatchPtr(in) == filter.Fail {
		return nil
	}
	if r.Probability > 0 && r.Probability < 1 && p.rand.Float64() >= r.Probability {
		return nil
	}
	out := in.Clone()
	if r.Type != "" {
		p.nextID++
		out.SetID(fmt.Sprintf("knsim-reply-%d", p.nextID))
		out.SetType(r.Type)
		src := r.Source
		if src == "" {
			src = "/knsim/subscribers/" + service
		}
		out.SetSource(src)
	}
	p.stats.Replies++
	return &out
}

// outcome feeds an attempt's result to the delivery state machine and acts
// on its decision; stale results (an earlier attempt, a restarted
// dispatcher, an attempt that already timed out) are ignored.
func (p *Plane) outcome(at time.Time, j *job, gen, tok int, a delivery.Attempt) {
	if j.gen != gen || j.attempt != tok || !j.waiting || j.d.Finished() {
		return
	}
	p.stop(j)
	dec := j.d.Next(at, a)
	switch dec.Action {
	case delivery.Retry:
		p.count(Record{Kind: Retried, At: at, Service: j.service})
		p.scheduleAttempt(j, at.Add(dec.Wait))
	case delivery.Done:
		p.finish(j)
		if j.d.Kind() == delivery.ToDeadLetter {
			p.count(Record{Kind: DeadLettered, At: at, Service: j.service})
		}
		if dec.Reply != nil {
			p.forwardReply(at, j, dec.Reply)
		}
	case delivery.DeadLetter:
		p.finish(j)
		dl := j.d.DeadLetterDelivery(dec)
		p.startJob(at, newJob{d: dl, opts: delivery.Options{Kind: delivery.ToDeadLetter}, owner: j.owner, born: j.born,
			route: "deadletter", lostKey: j.lostKey, service: j.service})
	case delivery.Drop:
		p.finish(j)
		p.lose(at, j.lostKey, j.service)
	}
}

// forwardReply sends a subscriber's reply on: into the broker, or to the
// subscription's reply URI.
func (p *Plane) forwardReply(at time.Time, j *job, reply *cloudevents.Event) {
	switch {
	case j.bd != nil:
		d := *j.bd
		p.eng.Schedule(at.Add(p.hop), func(now time.Time) {
			if p.memory.down(now) {
				p.count(Record{Kind: Rejected, At: now})
				return
			}
			p.afterBroker(now, p.ingress.Reply(now, d, reply), j.born)
		})
	case j.cd != nil:
		rd := p.chans.ReplyDelivery(*j.cd, reply)
		if rd == nil {
			return // no reply destination: the reply is dropped, as Knative does
		}
		p.startJob(at, newJob{d: rd, opts: delivery.Options{Kind: delivery.ToReply, DeadLetterEvent: j.d.Event()},
			owner: j.owner, born: j.born, route: "reply:" + j.cd.Subscriber.UID})
	}
}

// serviceOfHost names the Knative Service of a cluster-local host
// ({name}.{namespace}.svc[.cluster.local]) or a default-domain host
// ({name}.{namespace}.example.com) as "namespace/name", "" otherwise.
func serviceOfHost(host string) string {
	name, ns, ok := network.ParseServiceHost(host)
	if !ok {
		return ""
	}
	return ns + "/" + name
}

// hostOf is the host of an absolute URL ("" when it has none).
func hostOf(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// pathOf is the path of a URL, "/" when empty.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// errBadURI is the transport error of an attempt to a URI that does not
// parse.
var errBadURI = errors.New("destination is not an absolute URL")
