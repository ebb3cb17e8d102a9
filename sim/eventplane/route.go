package eventplane

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/system/eventing"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/network"
	"github.com/knsim/knsim/system/source"
)

// adapterDefault is how Knative's source adapters retry (5 retries, 50 ms
// exponential), for producers that set nothing else.
var adapterDefault = func() delivery.Policy {
	pol, err := source.AdapterPolicy(nil)
	if err != nil {
		panic(err) // the constant default always parses
	}
	return pol
}()

// Routing: where a producer's event, an attempt or a reply goes (the
// broker ingress, a channel, or a Service through the Serving data plane).

// Produce sends a producer's event (of dataSize bytes of data) to uri at
// now, retrying a direct send to a Service as Knative's source adapters do
// (source.AdapterPolicy); the plane takes ownership of ev.
func (p *Plane) Produce(now time.Time, uri string, ev cloudevents.Event, dataSize int64) {
	p.ProduceWith(now, uri, ev, dataSize, adapterDefault)
}

// ProduceWith is Produce with the producer's retry policy for a direct
// send to a Service (see source.AdapterPolicy).
func (p *Plane) ProduceWith(now time.Time, uri string, ev cloudevents.Event, dataSize int64, retry delivery.Policy) {
	p.count(Record{Kind: Produced, At: now})
	u, err := url.Parse(uri)
	if uri == "" || err != nil || u.Hostname() == "" {
		p.count(Record{Kind: Rejected, At: now})
		return
	}
	host, path := u.Hostname(), network.URLPath(uri)
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
			d := delivery.New(&ev, uri, retry, source.AdapterOptions())
			p.startJob(at, newJob{d: d, opts: source.AdapterOptions(), owner: p.source, born: now, route: "source"})
		}
	})
}

// routeKind is what serves a host: a Service through the Serving data
// plane, the broker ingress or a channel.
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
		p.ingressed(now, true, resp.Broker.Namespace, resp.Broker.Name, resp.Event)
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
	p.ingressed(now, false, resp.Channel.Namespace, resp.Channel.Name, resp.Event)
	if owner == nil {
		owner = p.memory
	}
	for _, d := range p.chans.Fanout(resp) {
		p.startJob(now, newJob{d: d.Delivery, opts: delivery.Options{DiscardNonEventReply: true}, owner: owner, cd: &d, born: born,
			route: "subscription:" + d.Subscriber.UID})
	}
	return resp.Status
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
