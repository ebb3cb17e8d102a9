package dataplane

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// request is one request in flight.
type request struct {
	id           uint64
	start        time.Time
	host         string
	done         func(telemetry.Record)
	rev          *revision
	kube         *kubeService // the plain Service, for requests through kube-proxy
	pod          *pod
	viaActivator bool
	coldStart    bool
	path         telemetry.Path
	// appStart and appEnd bound the user container's work on the request.
	appStart, appEnd time.Time
}

// revision is the data plane's state for one revision: its activator
// throttler and stats, and its pods.
type revision struct {
	p         *Plane
	key       types.NamespacedName
	info      topology.RevisionInfo
	throttler *activator.Throttler
	actStats  *queue.Stats
	pods      map[string]*pod
	waiting   map[uint64]*request // queued at the activator
	work      container.Workload
	rand      *rand.Rand // the workload's draws, shared by the revision's pods
	// lastArrival is when the latest request reached the revision.
	lastArrival time.Time
}

func (p *Plane) newRevision(now time.Time, k types.NamespacedName, info topology.RevisionInfo) *revision {
	th, err := activator.NewThrottler(activator.Params{
		ContainerConcurrency: info.ContainerConcurrency,
		Rand:                 p.eng.Rand("dataplane/activator/" + k.String()),
	})
	if err != nil {
		// containerConcurrency is validated at admission (0..1000)
		panic("dataplane: " + err.Error())
	}
	r := &revision{
		p: p, key: k, info: topology.RevisionInfo{Service: info.Service, ContainerConcurrency: info.ContainerConcurrency},
		throttler: th, actStats: queue.NewStats(now),
		pods: map[string]*pod{}, waiting: map[uint64]*request{},
		rand: p.eng.Rand("workload/" + k.String()),
	}
	r.work = p.workload(r)
	return r
}

// setPods updates the ready pods: new ones start serving, removed ones
// finish what they hold, and the activator admits waiters into new capacity.
func (r *revision) setPods(now time.Time, ready []string) {
	r.info.ReadyPods = append([]string(nil), ready...)
	isReady := map[string]bool{}
	for _, name := range ready {
		isReady[name] = true
		if r.pods[name] == nil {
			r.pods[name] = newPod(now, name, r.info.ContainerConcurrency, r.work, r.rand)
		}
	}
	for name, pd := range r.pods {
		pd.ready = isReady[name]
		if !pd.ready && pd.idle() {
			delete(r.pods, name)
		}
	}
	r.apply(now, r.throttler.UpdatePods(now, ready))
}

// toActivator hands req to the activator.
func (r *revision) toActivator(now time.Time, req *request) {
	req.viaActivator, req.path = true, telemetry.PathActivator
	req.coldStart = len(r.info.ReadyPods) == 0
	r.actStats.RequestIn(now, false)
	res := r.throttler.Try(now, activator.Request{ID: req.id, Deadline: now.Add(r.info.Timeout)})
	if res.Poke && r.p.cfg.Metrics != nil {
		r.p.cfg.Metrics.Poke(now, r.key)
	}
	switch res.Outcome {
	case activator.Admitted:
		r.forward(now, req, res.Pod)
	case activator.Queued:
		r.waiting[req.id] = req
		r.p.eng.Schedule(now.Add(r.info.Timeout), r.expire)
		if pm, ok := r.p.cfg.Metrics.(telemetry.PodMetrics); ok && pm.ObservesPods(r.key) {
			// A per-request policy starts an instance for it at once: the
			// scale-per-request model's cold start, counted as one even
			// when other instances are up but busy.
			req.coldStart = true
			pm.ObservePods(now, r.key, r.observe())
		}
	default:
		r.actStats.RequestOut(now, false)
		r.p.respond(now, req, http.StatusServiceUnavailable, 2)
	}
}

// apply carries out the activator's admissions and expiries.
func (r *revision) apply(now time.Time, eff activator.Effects) {
	for _, a := range eff.Admitted {
		req := r.waiting[a.Request.ID]
		delete(r.waiting, a.Request.ID)
		r.forward(now, req, a.Pod)
	}
	for _, x := range eff.Expired {
		r.fail(now, x.ID)
	}
}

func (r *revision) expire(now time.Time) {
	for _, x := range r.throttler.Expire(now) {
		r.fail(now, x.ID)
	}
}

// fail answers a request that timed out waiting at the activator.
func (r *revision) fail(now time.Time, id uint64) {
	req := r.waiting[id]
	delete(r.waiting, id)
	r.actStats.RequestOut(now, false)
	r.p.respond(now, req, http.StatusServiceUnavailable, 2)
}

// forward sends an admitted request from the activator to a pod.
func (r *revision) forward(now time.Time, req *request, podName string) {
	pd := r.pods[podName]
	pd.hold()
	pd.inTransit++
	r.p.eng.Schedule(now.Add(r.p.cfg.Hop), func(at time.Time) {
		pd.inTransit--
		r.toPod(at, req, pd)
	})
}

// toPod delivers req to the pod's queue-proxy.
func (r *revision) toPod(now time.Time, req *request, pd *pod) {
	req.pod = pd
	if !req.viaActivator {
		pd.hold() // the activator's requests were counted when forwarded
	}
	pd.stats.RequestIn(now, req.viaActivator)
	if pd.breaker == nil {
		r.startApp(now, pd, req)
		return
	}
	switch d, _ := pd.breaker.Acquire(req.id); d {
	case queue.Admitted:
		r.startApp(now, pd, req)
	case queue.Queued:
		pd.waiting[req.id] = req
	default:
		pd.release(now)
		pd.stats.RequestOut(now, req.viaActivator)
		r.finish(now, req, http.StatusServiceUnavailable)
	}
}

// startApp hands req to the user container, where it starts at once or
// waits for a slot.
func (r *revision) startApp(now time.Time, pd *pod, req *request) {
	d, started := pd.app.Admit(now, req.id)
	if !started {
		pd.appWaiting[req.id] = req
		return
	}
	r.runApp(now, pd, req, d)
}

// runApp has the container work on req for its service time d, stretched
// or failed by the Service's fault.
func (r *revision) runApp(now time.Time, pd *pod, req *request, d time.Duration) {
	req.appStart = now
	status := http.StatusOK
	if f, ok := r.p.fault(r.key.Namespace+"/"+r.info.Service, now); ok {
		d = f.Slow(d)
		if f.Fails(r.p.faultRand.Float64) {
			status = f.StatusCode()
		}
	}
	r.p.eng.Schedule(now.Add(d), func(at time.Time) { r.endApp(at, pd, req, status) })
}

// endApp runs when the container answers req.
func (r *revision) endApp(now time.Time, pd *pod, req *request, status int) {
	id, d, ok := pd.app.Finish(now)
	req.appEnd = now
	if ok {
		next := pd.appWaiting[id]
		delete(pd.appWaiting, id)
		r.runApp(now, pd, next, d)
	}
	if pd.breaker != nil {
		ids, _ := pd.breaker.Release() // one acquired slot per started request
		for _, id := range ids {
			next := pd.waiting[id]
			delete(pd.waiting, id)
			r.startApp(now, pd, next)
		}
	}
	pd.release(now)
	pd.stats.RequestOut(now, req.viaActivator)
	r.finish(now, req, status)
	if !pd.ready && pd.idle() {
		delete(r.pods, pd.name)
	}
}

// finish sends the response from the pod back to the client.
func (r *revision) finish(now time.Time, req *request, status int) {
	if !req.viaActivator {
		r.p.respond(now, req, status, 2)
		return
	}
	r.p.eng.Schedule(now.Add(r.p.cfg.Hop), func(at time.Time) {
		r.actStats.RequestOut(at, false)
		eff, err := r.throttler.Release(at, req.pod.name)
		if err == nil {
			r.apply(at, eff)
		}
		r.p.respond(at, req, status, 2)
	})
}

// report sends the last second's stats and returns the revision's load.
func (r *revision) report(now time.Time) telemetry.RevisionSecond {
	m := r.p.cfg.Metrics
	names := make([]string, 0, len(r.pods))
	for n := range r.pods {
		names = append(names, n)
	}
	sortStrings(names)
	stats := make([]queue.Stat, 0, len(names))
	for _, n := range names {
		stats = append(stats, r.pods[n].stats.Report(now))
	}
	s := r.actStats.Report(now)
	if m != nil {
		m.Report(now, r.key, stats, s)
	}
	if pm, ok := m.(telemetry.PodMetrics); ok && pm.ObservesPods(r.key) {
		pm.ObservePods(now, r.key, r.observe())
	}
	if cm, ok := m.(telemetry.CPUMetrics); ok {
		cm.ReportCPU(now, r.key, r.cpuUsage(now, names))
	}
	return telemetry.RevisionLoad(r.key, r.info.Service, stats, s, len(r.info.ReadyPods), r.info.Proxy)
}

// pod is one pod's queue-proxy and user container.
type pod struct {
	name       string
	breaker    *queue.Breaker // nil when containerConcurrency is 0
	stats      *queue.Stats
	waiting    map[uint64]*request // queued at the breaker
	app        *container.Core
	appWaiting map[uint64]*request // waiting inside the container
	inTransit  int                 // admitted by the activator, not yet arrived
	ready      bool
	// held counts the requests the pod holds, from the activator's
	// admission (or the gateway's pick) to the container's answer;
	// idleSince is when it last dropped to 0.
	held      int
	idleSince time.Time
}

func (pd *pod) hold() { pd.held++ }

func (pd *pod) release(now time.Time) {
	pd.held--
	if pd.held == 0 {
		pd.idleSince = now
	}
}

// observe is the revision's per-instance view for scaling policies: its
// ready pods by name and the requests waiting at the activator.
func (r *revision) observe() policy.Observation {
	o := policy.Observation{Waiting: len(r.waiting), LastArrival: r.lastArrival}
	for _, n := range r.info.ReadyPods {
		pd := r.pods[n]
		p := policy.Pod{Name: n, InFlight: pd.held}
		if pd.held == 0 {
			p.IdleSince = pd.idleSince
		}
		o.Pods = append(o.Pods, p)
	}
	slices.SortFunc(o.Pods, func(a, b policy.Pod) int { return strings.Compare(a.Name, b.Name) })
	return o
}

func newPod(now time.Time, name string, cc int, work container.Workload, rng *rand.Rand) *pod {
	app, err := container.New(now, work, rng)
	if err != nil {
		// the workloads are validated by New
		panic("dataplane: " + err.Error())
	}
	pd := &pod{name: name, stats: queue.NewStats(now), waiting: map[uint64]*request{}, app: app, appWaiting: map[uint64]*request{}, ready: true, idleSince: now}
	if params, ok := queue.ParamsFor(cc); ok {
		pd.breaker, _ = queue.New(params) // ParamsFor returns valid params
	}
	return pd
}

func (pd *pod) idle() bool {
	return pd.app.Idle() && pd.inTransit == 0 && len(pd.waiting) == 0
}

// cpuUsage closes the CPU window of the named pods at now and returns the
// ready ones' average use over it, in millicores; pods that left the
// endpoints are not measured, as the metrics server skips terminating pods.
func (r *revision) cpuUsage(now time.Time, names []string) []hpa.Usage {
	out := make([]hpa.Usage, 0, len(names))
	for _, n := range names {
		pd := r.pods[n]
		if milli, ok := pd.app.CloseCPUWindow(now); ok && pd.ready {
			out = append(out, hpa.Usage{Pod: n, Milli: milli})
		}
	}
	return out
}
