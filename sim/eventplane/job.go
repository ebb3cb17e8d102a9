package eventplane

import (
	"errors"
	"net/url"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/fault"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/network"
)

// Jobs: one delivery in progress, driven through the delivery state
// machine (system/eventing/delivery) one attempt at a time.

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

var errTimeout = errors.New("attempt timed out")

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
		j.service = serviceOfHost(network.URLHost(target))
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
	host, path := u.Hostname(), network.URLPath(target)
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
	if f, down := fault.Down(b.Faults, now); down {
		p.eng.Schedule(now.Add(p.hop), func(at time.Time) {
			p.outcome(at, j, gen, tok, delivery.Attempt{Status: f.StatusCode()})
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

// response handles the data plane's answer to an attempt.
func (p *Plane) response(at time.Time, j *job, gen, tok int, r Response) {
	svc := r.Service
	if svc == "" {
		svc = j.service
	}
	b := p.cfg.Behaviours[svc]
	status := r.Status
	if f, ok := fault.Erroring(b.Faults, at); ok && delivery.IsSuccess(status) && f.Fails(p.rand.Float64) {
		status = f.StatusCode()
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

// errBadURI is the transport error of an attempt to a URI that does not
// parse.
var errBadURI = errors.New("destination is not an absolute URL")
