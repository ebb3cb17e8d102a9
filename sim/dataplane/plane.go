package dataplane

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/ingress"
	"github.com/knsim/knsim/system/queue"
)

// Sampler draws a duration from a distribution.
type Sampler func(r *rand.Rand) time.Duration

// Workload models a Knative Service's user container.
type Workload struct {
	// ServiceTime is how long the container holds a request (default 10ms).
	ServiceTime Sampler
	// ColdStartExtra is added to the first request a pod serves.
	ColdStartExtra Sampler
	// MaxInFlight bounds requests the container works on at once; more wait
	// inside it, first come first served. 0 means no limit.
	MaxInFlight int
	// CPUPerRequestMilli is the CPU, in millicores, each request uses while
	// the container works on it; a pod's CPU use is this times its working
	// requests, integrated over time. 0: the pods use no CPU.
	CPUPerRequestMilli float64
}

// Metrics receives what queue-proxies and the activator report.
type Metrics interface {
	// Report is one second of a revision's stats: each ready or draining
	// pod's queue-proxy, and the activator's.
	Report(now time.Time, rev types.NamespacedName, pods []queue.Stat, activator queue.Stat)
	// Poke asks for a scale from zero now.
	Poke(now time.Time, rev types.NamespacedName)
}

// CPUMetrics is implemented by a Metrics that also takes the pods' CPU use,
// the metric of the HPA class, as the kubelet would expose it to the
// metrics server.
type CPUMetrics interface {
	// ReportCPU is one second of a revision's ready pods' CPU use, by pod
	// name, sorted.
	ReportCPU(now time.Time, rev types.NamespacedName, pods []hpa.Usage)
}

// Path is the route a request took.
type Path string

const (
	// PathDirect went gateway -> queue-proxy -> container.
	PathDirect Path = "gateway>queue-proxy"
	// PathActivator went gateway -> activator -> queue-proxy -> container.
	PathActivator Path = "gateway>activator>queue-proxy"
	// PathGateway ended at the gateway (unknown host, no revision).
	PathGateway Path = "gateway"
)

// Record describes one finished request.
type Record struct {
	Start, End time.Time
	Host       string
	Namespace  string
	Service    string
	Revision   string
	Pod        string
	Status     int
	ColdStart  bool
	Path       Path
	// AppStart and AppEnd are when the user container started and finished
	// working on the request (zero when it never reached one).
	AppStart, AppEnd time.Time
}

// Latency is End - Start.
func (r Record) Latency() time.Duration { return r.End.Sub(r.Start) }

// RevisionSecond is a revision's load over one second.
type RevisionSecond struct {
	Revision        types.NamespacedName
	Service         string
	Concurrency     float64
	RPS             float64
	ActivatorInPath bool
	ReadyPods       int
}

// Config configures a Plane.
type Config struct {
	// Engine runs the requests (required).
	Engine *engine.Engine
	// Hop is the network latency of each hop, each way (default 500µs).
	Hop time.Duration
	// Workloads by "namespace/service"; others use DefaultWorkload.
	Workloads       map[string]Workload
	DefaultWorkload Workload
	// Metrics receives the per-second stats and pokes (optional).
	Metrics Metrics
	// OnRequest receives every finished request (optional).
	OnRequest func(Record)
	// OnSecond receives every revision's load each second (optional).
	OnSecond func(now time.Time, load []RevisionSecond)
}

// Fault makes a Service's containers fail or slow down for a while.
type Fault struct {
	// Until ends the fault.
	Until time.Time
	// ErrorRate is the share of requests answered with Status (0..1).
	ErrorRate float64
	// Status is the error status (default 500).
	Status int
	// SlowFactor multiplies service times (values <= 1 leave them alone).
	SlowFactor float64
}

// Plane is the simulated data plane.
type Plane struct {
	cfg       Config
	faults    map[string]Fault // by namespace/service
	faultRand *rand.Rand
	eng       *engine.Engine
	router    *ingress.Router
	revisions map[types.NamespacedName]*revision
	routeRand *rand.Rand
	podRand   *rand.Rand
	nextID    uint64
}

// New validates cfg and starts the per-second stats reporting.
func New(cfg Config) (*Plane, error) {
	if cfg.Engine == nil {
		return nil, errors.New("dataplane: Engine is required")
	}
	if cfg.Hop < 0 {
		return nil, errors.New("dataplane: Hop must not be negative")
	}
	if cfg.Hop == 0 {
		cfg.Hop = 500 * time.Microsecond
	}
	if cfg.DefaultWorkload.ServiceTime == nil {
		cfg.DefaultWorkload.ServiceTime = func(*rand.Rand) time.Duration { return 10 * time.Millisecond }
	}
	p := &Plane{
		cfg:       cfg,
		eng:       cfg.Engine,
		router:    ingress.NewRouter(),
		revisions: map[types.NamespacedName]*revision{},
		routeRand: cfg.Engine.Rand("dataplane/router"),
		faults:    map[string]Fault{},
		faultRand: cfg.Engine.Rand("dataplane/faults"),
		podRand:   cfg.Engine.Rand("dataplane/kube-proxy"),
	}
	p.eng.Schedule(p.eng.Now().Add(queue.ReportingPeriod), p.report)
	return p, nil
}

// Sync brings the data plane in line with the control plane.
func (p *Plane) Sync(now time.Time, snap *Snapshot) {
	p.router = ingress.NewRouter(snap.Routes...)
	keys := make([]types.NamespacedName, 0, len(snap.Revisions))
	for k := range snap.Revisions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b types.NamespacedName) int { return compareKeys(a, b) })
	for _, k := range keys {
		info := snap.Revisions[k]
		rev := p.revisions[k]
		if rev == nil {
			rev = p.newRevision(now, k, info)
			p.revisions[k] = rev
		}
		rev.info.Proxy, rev.info.Timeout, rev.info.Service = info.Proxy, info.Timeout, info.Service
		if !slices.Equal(rev.info.ReadyPods, info.ReadyPods) {
			rev.setPods(now, info.ReadyPods)
		}
	}
}

func compareKeys(a, b types.NamespacedName) int {
	if a.Namespace != b.Namespace {
		if a.Namespace < b.Namespace {
			return -1
		}
		return 1
	}
	switch {
	case a.Name < b.Name:
		return -1
	case a.Name > b.Name:
		return 1
	}
	return 0
}

// Send implements traffic.Sender: a request reaches the gateway at now.
func (p *Plane) Send(now time.Time, host string, done func(time.Time)) {
	p.nextID++
	req := &request{id: p.nextID, start: now, host: host, done: done, path: PathGateway}
	t, err := p.router.Route(host, p.routeRand.Float64())
	if err != nil {
		p.respond(now, req, http.StatusNotFound, 1)
		return
	}
	rev := p.revisions[types.NamespacedName{Namespace: t.Namespace, Name: t.Revision}]
	if rev == nil {
		p.respond(now, req, http.StatusServiceUnavailable, 1)
		return
	}
	req.rev = rev
	p.eng.Schedule(now.Add(p.cfg.Hop), func(at time.Time) {
		if rev.info.Proxy || len(rev.info.ReadyPods) == 0 {
			rev.toActivator(at, req)
			return
		}
		req.path = PathDirect
		pod := rev.info.ReadyPods[p.podRand.IntN(len(rev.info.ReadyPods))]
		rev.toPod(at, req, rev.pods[pod])
	})
}

// respond finishes req with status after hops network hops back to the client.
func (p *Plane) respond(now time.Time, req *request, status, hops int) {
	end := now.Add(time.Duration(hops) * p.cfg.Hop)
	p.eng.Schedule(end, func(at time.Time) {
		if p.cfg.OnRequest != nil {
			rec := Record{Start: req.start, End: at, Host: req.host, Status: status, ColdStart: req.coldStart, Path: req.path,
				AppStart: req.appStart, AppEnd: req.appEnd}
			if req.rev != nil {
				rec.Namespace, rec.Revision, rec.Service = req.rev.key.Namespace, req.rev.key.Name, req.rev.info.Service
			}
			if req.pod != nil {
				rec.Pod = req.pod.name
			}
			p.cfg.OnRequest(rec)
		}
		if req.done != nil {
			req.done(at)
		}
	})
}

// report sends every pod's and activator's stats for the last second.
func (p *Plane) report(now time.Time) {
	keys := make([]types.NamespacedName, 0, len(p.revisions))
	for k := range p.revisions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	var load []RevisionSecond
	for _, k := range keys {
		load = append(load, p.revisions[k].report(now))
	}
	if p.cfg.OnSecond != nil {
		p.cfg.OnSecond(now, load)
	}
	p.eng.Schedule(now.Add(queue.ReportingPeriod), p.report)
}

func (p *Plane) workload(rev *revision) Workload {
	if w, ok := p.cfg.Workloads[rev.key.Namespace+"/"+rev.info.Service]; ok {
		if w.ServiceTime == nil {
			w.ServiceTime = p.cfg.DefaultWorkload.ServiceTime
		}
		return w
	}
	return p.cfg.DefaultWorkload
}

// SetFault injects f into the Service (namespace/name) until f.Until.
func (p *Plane) SetFault(service string, f Fault) {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	p.faults[service] = f
}

// fault returns the Service's fault active at now, if any.
func (p *Plane) fault(service string, now time.Time) (Fault, bool) {
	f, ok := p.faults[service]
	if !ok || !now.Before(f.Until) {
		return Fault{}, false
	}
	return f, true
}

// InFlight counts requests anywhere in the data plane, for tests and drains.
func (p *Plane) InFlight() int {
	n := 0
	for _, r := range p.revisions {
		n += r.throttler.Waiting()
		for _, pod := range r.pods {
			n += pod.inApp + len(pod.appQueue) + len(pod.waiting)
		}
	}
	return n
}

func sortStrings(s []string) { slices.Sort(s) }
