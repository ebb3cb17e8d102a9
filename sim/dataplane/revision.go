package dataplane

import (
	"math/rand/v2"
	"net/http"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/activator"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/queue"
)

// request is one request in flight.
type request struct {
	id           uint64
	start        time.Time
	host         string
	done         func(time.Time)
	rev          *revision
	pod          *pod
	viaActivator bool
	coldStart    bool
	path         Path
	// appStart and appEnd bound the user container's work on the request.
	appStart, appEnd time.Time
}

// revision is the data plane's state for one revision: its activator
// throttler and stats, and its pods.
type revision struct {
	p         *Plane
	key       types.NamespacedName
	info      RevisionInfo
	throttler *activator.Throttler
	actStats  *queue.Stats
	pods      map[string]*pod
	waiting   map[uint64]*request // queued at the activator
	work      Workload
	rand      *rand.Rand
}

func (p *Plane) newRevision(now time.Time, k types.NamespacedName, info RevisionInfo) *revision {
	th, err := activator.NewThrottler(activator.Params{
		ContainerConcurrency: info.ContainerConcurrency,
		Rand:                 p.eng.Rand("dataplane/activator/" + k.String()),
	})
	if err != nil {
		// containerConcurrency is validated at admission (0..1000)
		panic("dataplane: " + err.Error())
	}
	r := &revision{
		p: p, key: k, info: RevisionInfo{Service: info.Service, ContainerConcurrency: info.ContainerConcurrency},
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
			r.pods[name] = newPod(now, name, r.info.ContainerConcurrency)
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
	req.viaActivator, req.path = true, PathActivator
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
	pd.inTransit++
	r.p.eng.Schedule(now.Add(r.p.cfg.Hop), func(at time.Time) {
		pd.inTransit--
		r.toPod(at, req, pd)
	})
}

// toPod delivers req to the pod's queue-proxy.
func (r *revision) toPod(now time.Time, req *request, pd *pod) {
	req.pod = pd
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
		pd.stats.RequestOut(now, req.viaActivator)
		r.finish(now, req, http.StatusServiceUnavailable)
	}
}

// startApp hands req to the user container.
func (r *revision) startApp(now time.Time, pd *pod, req *request) {
	if r.work.MaxInFlight > 0 && pd.inApp >= r.work.MaxInFlight {
		pd.appQueue = append(pd.appQueue, req)
		return
	}
	pd.account(now, r.work.CPUPerRequestMilli)
	pd.inApp++
	req.appStart = now
	d := r.work.ServiceTime(r.rand)
	if pd.served == 0 && r.work.ColdStartExtra != nil {
		d += r.work.ColdStartExtra(r.rand)
	}
	pd.served++
	status := http.StatusOK
	if f, ok := r.p.fault(r.key.Namespace+"/"+r.info.Service, now); ok {
		if f.SlowFactor > 1 {
			d = time.Duration(float64(d) * f.SlowFactor)
		}
		if f.ErrorRate > 0 && r.p.faultRand.Float64() < f.ErrorRate {
			status = f.Status
		}
	}
	r.p.eng.Schedule(now.Add(d), func(at time.Time) { r.endApp(at, pd, req, status) })
}

// endApp runs when the container answers req.
func (r *revision) endApp(now time.Time, pd *pod, req *request, status int) {
	pd.account(now, r.work.CPUPerRequestMilli)
	pd.inApp--
	req.appEnd = now
	if len(pd.appQueue) > 0 {
		next := pd.appQueue[0]
		pd.appQueue = pd.appQueue[1:]
		r.startApp(now, pd, next)
	}
	if pd.breaker != nil {
		ids, _ := pd.breaker.Release() // one acquired slot per started request
		for _, id := range ids {
			next := pd.waiting[id]
			delete(pd.waiting, id)
			r.startApp(now, pd, next)
		}
	}
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
func (r *revision) report(now time.Time) RevisionSecond {
	load := RevisionSecond{Revision: r.key, Service: r.info.Service, ActivatorInPath: r.info.Proxy || len(r.info.ReadyPods) == 0,
		ReadyPods: len(r.info.ReadyPods)}
	m := r.p.cfg.Metrics
	names := make([]string, 0, len(r.pods))
	for n := range r.pods {
		names = append(names, n)
	}
	sortStrings(names)
	proxied := 0.0
	stats := make([]queue.Stat, 0, len(names))
	for _, n := range names {
		s := r.pods[n].stats.Report(now)
		load.Concurrency += s.AverageConcurrency
		load.RPS += s.RequestCount
		proxied += s.AverageProxiedConcurrency
		stats = append(stats, s)
	}
	s := r.actStats.Report(now)
	if m != nil {
		m.Report(now, r.key, stats, s)
	}
	if cm, ok := m.(CPUMetrics); ok {
		cm.ReportCPU(now, r.key, r.cpuUsage(now, names))
	}
	// The activator also counts requests the pods already see as proxied;
	// only the rest (waiting or on the wire) is extra load.
	load.Concurrency += max(0, s.AverageConcurrency-proxied)
	if len(r.info.ReadyPods) == 0 {
		load.RPS += s.RequestCount
	}
	return load
}

// pod is one pod's queue-proxy and user container.
type pod struct {
	name      string
	breaker   *queue.Breaker // nil when containerConcurrency is 0
	stats     *queue.Stats
	waiting   map[uint64]*request // queued at the breaker
	appQueue  []*request          // waiting inside the container
	inApp     int
	inTransit int // admitted by the activator, not yet arrived
	served    int
	ready     bool
	// cpuSince and cpuMilliSeconds integrate the pod's CPU use since
	// cpuWindow, the last report (or the pod's start).
	cpuSince, cpuWindow time.Time
	cpuMilliSeconds     float64
}

func newPod(now time.Time, name string, cc int) *pod {
	pd := &pod{name: name, stats: queue.NewStats(now), waiting: map[uint64]*request{}, ready: true, cpuSince: now, cpuWindow: now}
	if params, ok := queue.ParamsFor(cc); ok {
		pd.breaker, _ = queue.New(params) // ParamsFor returns valid params
	}
	return pd
}

func (pd *pod) idle() bool {
	return pd.inApp == 0 && pd.inTransit == 0 && len(pd.appQueue) == 0 && len(pd.waiting) == 0
}

// account adds the CPU the pod's working requests used since the last
// change, at perRequest millicores each.
func (pd *pod) account(now time.Time, perRequest float64) {
	if d := now.Sub(pd.cpuSince); d > 0 {
		pd.cpuMilliSeconds += float64(pd.inApp) * perRequest * d.Seconds()
	}
	pd.cpuSince = now
}

// cpuUsage closes the CPU window of the named pods at now and returns the
// ready ones' average use over it, in millicores; pods that left the
// endpoints are not measured, as the metrics server skips terminating pods.
func (r *revision) cpuUsage(now time.Time, names []string) []hpa.Usage {
	out := make([]hpa.Usage, 0, len(names))
	for _, n := range names {
		pd := r.pods[n]
		pd.account(now, r.work.CPUPerRequestMilli)
		used, window := pd.cpuMilliSeconds, now.Sub(pd.cpuWindow)
		pd.cpuMilliSeconds, pd.cpuWindow = 0, now
		if pd.ready && window > 0 {
			out = append(out, hpa.Usage{Pod: n, Milli: used / window.Seconds()})
		}
	}
	return out
}
