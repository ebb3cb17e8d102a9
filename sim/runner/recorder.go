package runner

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/system/telemetry"
)

// request is a finished request, kept small: long traces finish millions.
type request struct {
	end, latency time.Duration
	status       int32
	target       int32 // index in recorder.targets
	cold, viaAct bool
}

// target is where requests went: a day of a fleet records millions of
// requests, so each names its target by index (24 bytes a request).
type target struct {
	service  string // namespace/name, "" when no Route took it
	revision types.NamespacedName
}

// targetKey is a request's target as the data plane names it.
type targetKey struct{ namespace, service, revision string }

// podLife is one pod's history.
type podLife struct {
	revision       types.NamespacedName
	created, ready time.Duration // ready is -1 until Ready
	gone           time.Duration // -1 while it exists
	pending        bool          // not yet Ready and not terminating
	// unschedSince is when the pod last found no node, -1 while it has
	// one or never lacked one.
	unschedSince time.Duration
	cpu, gib     float64
	counts       *podCounts // its revision's, shared by its pods
}

// podCounts counts a revision's pods at one onSecond (tick), so counting
// follows a pointer per pod instead of a map lookup per pod per second.
type podCounts struct {
	tick                  uint64
	total, pending, ready int32
}

// sample is the state of one revision at one second.
type sample struct {
	t                       time.Duration
	desired, ready, pending int32
	total                   int32
	concurrency, rps        float64
	activator               bool
}

// coldStart is one episode of a revision waiting for its first pod.
type coldStart struct {
	revision    types.NamespacedName
	start, done time.Duration // done is -1 while waiting
	requests    int
}

// recorder collects everything a run produces.
type recorder struct {
	start time.Time
	// horizon is the run's length when known: a revision's per-second
	// series is allocated for the rest of it at once.
	horizon  time.Duration
	requests []request
	targets  []target
	// targetIDs indexes targets.
	targetIDs map[targetKey]int32
	pods      map[types.NamespacedName]*podLife
	podOrder  []types.NamespacedName
	// unschedulable sums the time pods waited for a node, ended waits
	// only.
	unschedulable time.Duration
	// live are the pods of podOrder not yet gone at the last onSecond: a
	// day's run creates thousands of pods, few at a time.
	live     []*podLife
	series   map[types.NamespacedName][]sample
	services map[types.NamespacedName]string // revision -> namespace/service
	revOrder []types.NamespacedName
	colds    []*coldStart
	// coldsByRev and podsByRev index colds and pods by revision: cold
	// requests and Ready pods look up their revision's, and a fleet's day
	// has thousands of both.
	coldsByRev map[types.NamespacedName][]*coldStart
	podsByRev  map[types.NamespacedName][]*podLife
	// countsByRev are the revisions' pod counts, tick the onSecond calls.
	countsByRev map[types.NamespacedName]*podCounts
	tick        uint64
	open        map[types.NamespacedName]*coldStart
	// desired reads the autoscaler's desired scale of a revision.
	desired func(types.NamespacedName) int32
	// resources gives a Deployment's per-pod CPU (cores) and memory (GiB).
	resources func(deployment types.NamespacedName) (float64, float64)
	// ready, when set, follows new Services to Ready (readiness.go). It is
	// fed by the run itself, not through feed: syncs read it as they go.
	ready *readiness
}

func newRecorder(start time.Time) *recorder {
	return &recorder{
		start: start, pods: map[types.NamespacedName]*podLife{}, series: map[types.NamespacedName][]sample{},
		services: map[types.NamespacedName]string{}, open: map[types.NamespacedName]*coldStart{},
		desired:   func(types.NamespacedName) int32 { return 0 },
		resources: func(types.NamespacedName) (float64, float64) { return defaultCPU, defaultGiB },
	}
}

// Pods without resource requests are billed as this much.
const (
	defaultCPU = 1.0
	defaultGiB = 0.5
)

func (r *recorder) since(t time.Time) time.Duration { return t.Sub(r.start) }

// onRequest records a finished request and opens cold-start episodes.
func (r *recorder) onRequest(rec telemetry.Record) {
	r.requests = append(r.requests, request{
		end: r.since(rec.End), latency: rec.Latency(), status: int32(rec.Status),
		target: r.targetOf(rec),
		cold:   rec.ColdStart, viaAct: rec.Path == telemetry.PathActivator,
	})
	if rec.ColdStart {
		key := types.NamespacedName{Namespace: rec.Namespace, Name: rec.Revision}
		// Episodes are opened by arrival time; a request finishing later
		// than the episode it belongs to still counts towards it.
		for _, c := range r.coldsByRev[key] {
			if r.since(rec.Start) >= c.start && (c.done < 0 || r.since(rec.Start) <= c.done) {
				c.requests++
				return
			}
		}
		c := &coldStart{revision: key, start: r.since(rec.Start), done: -1, requests: 1}
		if ready := r.firstReadyAfter(key, c.start); ready >= 0 {
			c.done = ready
		}
		r.colds = append(r.colds, c)
		if r.coldsByRev == nil {
			r.coldsByRev = map[types.NamespacedName][]*coldStart{}
		}
		r.coldsByRev[key] = append(r.coldsByRev[key], c)
	}
}

// firstReadyAfter is when a pod of the revision first became Ready at or
// after t, or -1.
func (r *recorder) firstReadyAfter(rev types.NamespacedName, t time.Duration) time.Duration {
	best := time.Duration(-1)
	for _, p := range r.podsByRev[rev] {
		if p.ready >= t && (best < 0 || p.ready < best) {
			best = p.ready
		}
	}
	return best
}

// targetOf returns the index of rec's target, adding it when new.
func (r *recorder) targetOf(rec telemetry.Record) int32 {
	k := targetKey{rec.Namespace, rec.Service, rec.Revision}
	if id, ok := r.targetIDs[k]; ok {
		return id
	}
	t := target{revision: types.NamespacedName{Namespace: rec.Namespace, Name: rec.Revision}}
	if rec.Service != "" {
		t.service = rec.Namespace + "/" + rec.Service
	}
	if r.targetIDs == nil {
		r.targetIDs = map[targetKey]int32{}
	}
	id := int32(len(r.targets))
	r.targets = append(r.targets, t)
	r.targetIDs[k] = id
	return id
}

// podSize is a pod's billed CPU (cores) and memory (GiB).
type podSize struct{ cpu, gib float64 }

// onPod records a pod lifecycle transition from the cluster emulation,
// reading a new pod's size with r.resources.
func (r *recorder) onPod(e cluster.PodEvent) { r.onPodSized(e, nil) }

// onPodSized is onPod with a new pod's size given, when size is not nil,
// as read when the event happened (see feed).
func (r *recorder) onPodSized(e cluster.PodEvent, size *podSize) {
	key := types.NamespacedName{Namespace: e.Namespace, Name: e.Pod}
	t := r.since(e.Time)
	p := r.pods[key]
	if p == nil {
		// Standard pods belong to <rev>-deployment, reserve instances to <rev>-reserve.
		name := strings.TrimSuffix(strings.TrimSuffix(e.Deployment, "-deployment"), "-reserve")
		rev := types.NamespacedName{Namespace: e.Namespace, Name: name}
		if size == nil {
			size = &podSize{}
			size.cpu, size.gib = r.resources(types.NamespacedName{Namespace: e.Namespace, Name: e.Deployment})
		}
		cpu, gib := size.cpu, size.gib
		p = &podLife{revision: rev, created: t, ready: -1, gone: -1, pending: true, unschedSince: -1, cpu: cpu, gib: gib, counts: r.countsOf(rev)}
		r.pods[key] = p
		r.podOrder = append(r.podOrder, key)
		r.live = append(r.live, p)
		if r.podsByRev == nil {
			r.podsByRev = map[types.NamespacedName][]*podLife{}
		}
		r.podsByRev[rev] = append(r.podsByRev[rev], p)
	}
	switch e.Stage {
	case cluster.StageUnschedulable:
		if p.unschedSince < 0 {
			p.unschedSince = t
		}
	case cluster.StageScheduled, cluster.StageTerminating, cluster.StageDeleted:
		r.endUnschedulable(p, t)
	}
	switch e.Stage {
	case cluster.StageReady:
		if p.ready < 0 {
			p.ready = t
		}
		p.pending = false
		for _, c := range r.coldsByRev[p.revision] {
			if c.done < 0 && t >= c.start {
				c.done = t
			}
		}
	case cluster.StageTerminating:
		p.pending = false
	case cluster.StageDeleted:
		p.gone, p.pending = t, false
	}
}

// endUnschedulable ends p's wait for a node at t, if it was waiting.
func (r *recorder) endUnschedulable(p *podLife, t time.Duration) {
	if p.unschedSince >= 0 {
		r.unschedulable += t - p.unschedSince
		p.unschedSince = -1
	}
}

// noteRevision learns a revision's service from the control plane, so pods
// of revisions that never saw traffic are still scoped correctly.
func (r *recorder) noteRevision(rev types.NamespacedName, service string) {
	if _, ok := r.services[rev]; !ok {
		r.services[rev] = rev.Namespace + "/" + service
		r.revOrder = append(r.revOrder, rev)
	}
}

// onSecond records every revision's state for the last second, reading
// the desired scales with r.desired.
func (r *recorder) onSecond(now time.Time, load []telemetry.RevisionSecond) {
	r.onSecondDesired(now, load, r.desiredOf(load))
}

// desiredOf reads the desired scale of each revision of load.
func (r *recorder) desiredOf(load []telemetry.RevisionSecond) []int32 {
	out := make([]int32, len(load))
	for i, l := range load {
		out[i] = r.desired(l.Revision)
	}
	return out
}

// onSecondDesired is onSecond with desired[i] the desired scale of
// load[i], as read when the second ended (see feed).
func (r *recorder) onSecondDesired(now time.Time, load []telemetry.RevisionSecond, desired []int32) {
	t := r.since(now)
	r.tick++
	live := r.live[:0]
	for _, p := range r.live {
		if p.gone >= 0 && p.gone <= t {
			// Gone for good: a pod's gone time never moves back.
			continue
		}
		live = append(live, p)
		c := p.counts
		if c.tick != r.tick {
			*c = podCounts{tick: r.tick}
		}
		c.total++
		switch {
		case p.pending:
			c.pending++
		case p.ready >= 0 && p.ready <= t && (p.gone < 0):
			c.ready++
		}
	}
	clear(r.live[len(live):])
	r.live = live
	for i, l := range load {
		r.noteRevision(l.Revision, l.Service)
		s := sample{t: t, concurrency: l.Concurrency, rps: l.RPS, activator: l.ActivatorInPath, desired: desired[i]}
		if c := r.countsByRev[l.Revision]; c != nil && c.tick == r.tick {
			s.ready, s.pending, s.total = c.ready, c.pending, c.total
		}
		ss := r.series[l.Revision]
		if ss == nil && r.horizon > t {
			// Sized for the run, up to a day: longer runs (up to a month)
			// grow as they go, so memory follows the work done.
			ss = make([]sample, 0, int(min(r.horizon-t, maxPresized)/time.Second)+1)
		}
		r.series[l.Revision] = append(ss, s)
	}
}

// maxPresized bounds the span a revision's per-second series is allocated
// for at once.
const maxPresized = 24 * time.Hour

// countsOf returns the revision's pod counts.
func (r *recorder) countsOf(rev types.NamespacedName) *podCounts {
	c := r.countsByRev[rev]
	if c == nil {
		if r.countsByRev == nil {
			r.countsByRev = map[types.NamespacedName]*podCounts{}
		}
		c = &podCounts{}
		r.countsByRev[rev] = c
	}
	return c
}

// revisions returns the revisions in a stable order.
func (r *recorder) revisions() []types.NamespacedName {
	out := slices.Clone(r.revOrder)
	slices.SortFunc(out, func(a, b types.NamespacedName) int { return strings.Compare(a.String(), b.String()) })
	return out
}
