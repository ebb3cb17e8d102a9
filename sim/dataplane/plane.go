package dataplane

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/fault"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/ingress"
	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// Config configures a Plane.
type Config struct {
	// Engine runs the requests (required).
	Engine *engine.Engine
	// Hop is the network latency of each hop, each way (default 500µs).
	Hop time.Duration
	// Workloads by "namespace/service" (a Knative Service, or a plain
	// Kubernetes Service for its pods); others use DefaultWorkload.
	Workloads       map[string]container.Workload
	DefaultWorkload container.Workload
	// Metrics receives the per-second stats and pokes (optional).
	Metrics telemetry.Metrics
	// OnRequest receives every finished request (optional), just before
	// the done callback Send was given.
	OnRequest func(telemetry.Record)
	// OnSecond receives every revision's load each second (optional).
	OnSecond func(now time.Time, load []telemetry.RevisionSecond)
}

// Plane is the simulated data plane.
type Plane struct {
	cfg       Config
	faults    map[string]fault.Fault // by namespace/service
	faultRand *rand.Rand
	eng       *engine.Engine
	router    *ingress.Router
	revisions map[types.NamespacedName]*revision
	order     []types.NamespacedName // the keys of revisions, sorted by topology.CompareKeys
	routeRand *rand.Rand
	podRand   *rand.Rand
	nextID    uint64
	// kube are the plain Kubernetes Services (kube.go); kubeOrder their
	// keys, sorted by topology.CompareKeys.
	kube      map[types.NamespacedName]*kubeService
	kubeOrder []types.NamespacedName
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
		cfg.DefaultWorkload.ServiceTime = func(*rand.Rand) time.Duration { return container.DefaultServiceTime }
	}
	if err := cfg.DefaultWorkload.Validate(); err != nil {
		return nil, fmt.Errorf("dataplane: DefaultWorkload: %w", err)
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Workloads)) {
		if err := cfg.Workloads[k].Validate(); err != nil {
			return nil, fmt.Errorf("dataplane: Workloads[%s]: %w", k, err)
		}
	}
	p := &Plane{
		cfg:       cfg,
		eng:       cfg.Engine,
		router:    ingress.NewRouter(),
		revisions: map[types.NamespacedName]*revision{},
		routeRand: cfg.Engine.Rand("dataplane/router"),
		faults:    map[string]fault.Fault{},
		faultRand: cfg.Engine.Rand("dataplane/faults"),
		podRand:   cfg.Engine.Rand("dataplane/kube-proxy"),
		kube:      map[types.NamespacedName]*kubeService{},
	}
	p.eng.Schedule(p.eng.Now().Add(queue.ReportingPeriod), p.report)
	return p, nil
}

// Sync brings the data plane in line with the control plane.
func (p *Plane) Sync(now time.Time, snap *topology.Serving) {
	keys := make([]types.NamespacedName, 0, len(snap.Revisions))
	for k := range snap.Revisions {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, topology.CompareKeys)
	p.SyncDelta(now, snap, topology.Delta{Routes: true, Revisions: keys})
}

// SyncDelta brings the data plane in line with a snapshot of which only
// what d names changed since the last sync: the Routes, when d.Routes, and
// the revisions d.Revisions lists (sorted, as Sync visits them).
func (p *Plane) SyncDelta(now time.Time, snap *topology.Serving, d topology.Delta) {
	if d.Routes {
		p.router = ingress.NewRouter(snap.Routes...)
	}
	for _, k := range d.Revisions {
		info, ok := snap.Revisions[k]
		if !ok {
			continue
		}
		rev := p.revisions[k]
		if rev == nil {
			rev = p.newRevision(now, k, info)
			p.revisions[k] = rev
			i, _ := slices.BinarySearchFunc(p.order, k, topology.CompareKeys)
			p.order = slices.Insert(p.order, i, k)
		}
		rev.info.Proxy, rev.info.Timeout, rev.info.Service = info.Proxy, info.Timeout, info.Service
		if !slices.Equal(rev.info.ReadyPods, info.ReadyPods) {
			rev.setPods(now, info.ReadyPods)
		}
	}
	p.syncKube(now, snap)
}

// Send implements traffic.Sender: a request reaches the gateway at now.
// done, when not nil, receives the request's record once the response
// reaches the client (rec.End), right after Config.OnRequest.
func (p *Plane) Send(now time.Time, host string, done func(rec telemetry.Record)) {
	p.nextID++
	req := &request{id: p.nextID, start: now, host: host, done: done, path: telemetry.PathGateway}
	t, err := p.router.Route(host, p.routeRand.Float64())
	if err != nil {
		// Not a Knative host: a plain Service's cluster-DNS name goes
		// through kube-proxy (kube.go).
		if ks := p.kubeServiceFor(host); ks != nil {
			p.sendKube(now, req, ks)
			return
		}
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
		rev.lastArrival = at
		if rev.info.Proxy || len(rev.info.ReadyPods) == 0 {
			rev.toActivator(at, req)
			return
		}
		req.path = telemetry.PathDirect
		pod := rev.info.ReadyPods[p.podRand.IntN(len(rev.info.ReadyPods))]
		rev.toPod(at, req, rev.pods[pod])
	})
}

// respond finishes req with status after hops network hops back to the client.
func (p *Plane) respond(now time.Time, req *request, status, hops int) {
	end := now.Add(time.Duration(hops) * p.cfg.Hop)
	p.eng.Schedule(end, func(at time.Time) {
		if p.cfg.OnRequest == nil && req.done == nil {
			return
		}
		rec := telemetry.Record{Start: req.start, End: at, Host: req.host, Status: status, ColdStart: req.coldStart, Path: req.path,
			AppStart: req.appStart, AppEnd: req.appEnd}
		if req.rev != nil {
			rec.Namespace, rec.Revision, rec.Service = req.rev.key.Namespace, req.rev.key.Name, req.rev.info.Service
		}
		if req.kube != nil {
			rec.Namespace, rec.Service = req.kube.key.Namespace, req.kube.key.Name
		}
		if req.pod != nil {
			rec.Pod = req.pod.name
		}
		if p.cfg.OnRequest != nil {
			p.cfg.OnRequest(rec)
		}
		if req.done != nil {
			req.done(rec)
		}
	})
}

// report sends every pod's and activator's stats for the last second.
func (p *Plane) report(now time.Time) {
	load := make([]telemetry.RevisionSecond, 0, len(p.order))
	for _, k := range p.order {
		load = append(load, p.revisions[k].report(now))
	}
	if p.cfg.OnSecond != nil {
		p.cfg.OnSecond(now, load)
	}
	p.eng.Schedule(now.Add(queue.ReportingPeriod), p.report)
}

func (p *Plane) workload(rev *revision) container.Workload {
	if w, ok := p.cfg.Workloads[rev.key.Namespace+"/"+rev.info.Service]; ok {
		if w.ServiceTime == nil {
			w.ServiceTime = p.cfg.DefaultWorkload.ServiceTime
		}
		return w
	}
	return p.cfg.DefaultWorkload
}

// SetFault puts f on the Service (namespace/name), replacing the fault it
// had: while f is active its containers answer f.ErrorRate of the requests
// with f's status and work f.SlowFactor times slower. (A Down fault is the
// event plane's: it keeps events from reaching the Service at all.)
func (p *Plane) SetFault(service string, f fault.Fault) {
	p.faults[service] = f
}

// fault returns the Service's fault active at now, if any.
func (p *Plane) fault(service string, now time.Time) (fault.Fault, bool) {
	f, ok := p.faults[service]
	if !ok || !f.Active(now) {
		return fault.Fault{}, false
	}
	return f, true
}

// InFlight counts requests anywhere in the data plane, for tests and drains.
func (p *Plane) InFlight() int {
	n := 0
	for _, r := range p.revisions {
		n += r.throttler.Waiting()
		for _, pod := range r.pods {
			n += pod.app.Working() + pod.app.Waiting() + len(pod.waiting)
		}
	}
	for _, ks := range p.kube {
		for _, pod := range ks.pods {
			n += pod.held
		}
	}
	return n
}

func sortStrings(s []string) { slices.Sort(s) }
