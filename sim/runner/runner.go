package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// Options adjust a run.
type Options struct {
	// Seed, when non-nil, replaces the scenario's seed.
	Seed *uint64
	// ControlPlane, when set, replaces the scenario's control plane.
	ControlPlane scenario.ControlPlane
	// AssetsDir holds the envtest binaries (default: as `make envtest` caches them).
	AssetsDir string
	// Progress, when set, is told how much virtual time has passed.
	Progress func(done, total time.Duration)
	// OnRequest, when set, sees every finished request's record.
	OnRequest func(telemetry.Record)
	// OnSync, when set, sees every control-plane snapshot the data plane
	// syncs to, at the virtual time it does.
	OnSync func(now time.Time, snap *topology.Serving)
	// Readiness records the Service-ready breakdown (readiness.go) into
	// results; an expectation naming a ready.* metric records it anyway.
	Readiness bool
	// OnPodEvent, when set, sees every pod transition of the cluster
	// emulation (serialised, in virtual time).
	OnPodEvent func(cluster.PodEvent)
}

// Run executes a loaded scenario in virtual time and returns its results.
// A failed expectation is not an error: results.Passed says so.
func Run(ctx context.Context, sc *scenario.Scenario, opts Options) (*results.Results, error) {
	if opts.Seed != nil {
		sc.Metadata.Seed = *opts.Seed
	}
	if opts.ControlPlane != "" {
		sc.Metadata.ControlPlane = opts.ControlPlane
	}
	if sc.Metadata.Mode == scenario.Real {
		return nil, errors.New("real mode runs through the loopback data plane: use RunReal")
	}
	if err := checkControlPlaneActions(sc); err != nil { // controlplane.go
		return nil, err
	}
	exprs, err := sc.Expectations()
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(engine.Config{Seed: sc.Metadata.Seed})
	if err != nil {
		return nil, err
	}
	start, total := eng.Now(), sc.Metadata.Duration.D()
	rec := newRecorder(start)
	rec.horizon = total
	if opts.Readiness || wantsReadiness(exprs) {
		rec.ready = newReadiness()
	}
	feed := newFeed(rec)
	defer feed.stop()
	var mu sync.Mutex // the cluster reports pod events from controller goroutines on envtest
	cc := clusterConfig(sc)
	cc.OnPodEvent = func(e cluster.PodEvent) {
		mu.Lock()
		defer mu.Unlock()
		if rec.ready != nil {
			// The breakdown is read at every sync, on this goroutine.
			rec.ready.onPod(e, rec.since(e.Time))
		}
		feed.pod(e)
		if opts.OnPodEvent != nil {
			opts.OnPodEvent(e)
		}
	}
	ev := newEvents(sc) // events: sources emit into this run (events.go)
	ctx = ev.withEmitter(ctx)
	b, err := startBackend(ctx, sc, eng, cc, opts.AssetsDir)
	if err != nil {
		return nil, err
	}
	defer b.Stop()
	defer ev.detach() // events (events.go)

	r := &run{sc: sc, eng: eng, b: b, rec: rec, feed: feed, mu: &mu, start: start, ev: ev, opts: opts}
	if err := r.setUp(ctx); err != nil {
		return nil, err
	}
	if err := r.loop(ctx, start.Add(total), opts.Progress); err != nil {
		return nil, err
	}
	return r.finish(exprs, total)
}

// run is one scenario execution in progress.
type run struct {
	sc    *scenario.Scenario
	eng   *engine.Engine
	b     backend
	rec   *recorder
	feed  *feed // the recorder's calls, until finish flushes it
	mu    *sync.Mutex
	dp    *dataplane.Plane
	start time.Time
	seen  uint64            // control-plane writes the data plane has synced
	top   *topology.Tracker // the data plane's view of the control plane
	err   error             // the first action failure
	ev    *events           // the eventing side of the run (events.go)
	opts  Options
}

// setUp applies the manifests and schedules traffic and actions.
func (r *run) setUp(ctx context.Context) error {
	var objs []*unstructured.Unstructured
	for _, m := range r.sc.Manifests {
		objs = append(objs, m.Objects...)
	}
	if err := ensureNamespaces(ctx, r.b, objs); err != nil {
		return err
	}
	if err := r.b.Apply(ctx, "default", objs...); err != nil {
		return err
	}
	ms := r.b.Autoscaler()
	r.rec.desired = func(k types.NamespacedName) int32 {
		if st, ok := ms.Status(k); ok && st.DesiredScale >= 0 {
			return st.DesiredScale
		}
		return 0
	}
	r.rec.resources = func(dep types.NamespacedName) (float64, float64) { return podResources(ctx, r.b.Client(), dep) }
	ws, def := workloads(r.sc)
	r.ev.addWorkloads(ws) // events: subscribers' latency (events.go)
	dp, err := dataplane.New(dataplane.Config{
		Engine: r.eng, Workloads: ws, DefaultWorkload: def, Metrics: ms, Hop: r.sc.Cluster.Network.Hop.D(),
		OnRequest: func(rec telemetry.Record) {
			r.locked(func() { r.feed.request(rec) })
			if r.opts.OnRequest != nil {
				r.opts.OnRequest(rec)
			}
		},
		OnSecond: func(now time.Time, l []telemetry.RevisionSecond) { r.locked(func() { r.feed.second(now, l) }) },
	})
	if err != nil {
		return err
	}
	r.dp = dp
	if err := r.ev.setUp(r.eng, dp, r.start); err != nil { // events: plane and workloads (events.go)
		return err
	}
	for i, t := range r.sc.Traffic {
		gens, err := generator(r.sc, i, t, r.eng)
		if err != nil {
			return err
		}
		for _, g := range gens {
			if err := g.Validate(); err != nil {
				return fmt.Errorf("traffic[%d]: %w", i, err)
			}
			g.Run(r.eng, r.start.Add(t.Start.D()), dp.Send)
		}
	}
	for i := range r.sc.Actions {
		a := r.sc.Actions[i]
		r.eng.Schedule(r.start.Add(a.At.D()), func(now time.Time) {
			if a.RestartDispatcher != nil { // events: channel dispatchers (events.go)
				r.ev.restart(now, a.RestartDispatcher)
				return
			}
			if err := r.act(ctx, now, a); err != nil && r.err == nil {
				r.err = fmt.Errorf("actions[%d] (%s at %s): %w", i, a.Kind(), a.At.D(), err)
			}
		})
	}
	return nil
}

func (r *run) locked(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// loop advances virtual time to end one event at a time, letting the control
// plane settle and the data plane catch up with it before each event.
func (r *run) loop(ctx context.Context, end time.Time, progress func(done, total time.Duration)) error {
	total := end.Sub(r.start)
	lastReport := time.Duration(-1)
	done := ctx.Done()
	for {
		// A virtual run never waits, so nothing else would notice an
		// interrupt (Ctrl-C) until the run's end.
		select {
		case <-done:
			return fmt.Errorf("run stopped at virtual %s of %s: %w", r.eng.Now().Sub(r.start), total, ctx.Err())
		default:
		}
		if err := r.settle(ctx); err != nil {
			return err
		}
		if r.err != nil {
			return r.err
		}
		next, ok := r.eng.Next()
		if !ok || next.After(end) {
			break
		}
		r.eng.Step()
		if done := r.eng.Now().Sub(r.start); progress != nil && done-lastReport >= total/200 {
			progress(done, total)
			lastReport = done
		}
	}
	r.eng.RunUntil(end)
	if err := r.settle(ctx); err != nil {
		return err
	}
	if progress != nil {
		progress(total, total)
	}
	return r.err
}

// settle waits for the control plane, then syncs the data plane if anything
// was written since it last looked.
func (r *run) settle(ctx context.Context) error {
	if err := r.b.Settle(ctx); err != nil {
		return err
	}
	if w := r.b.Writes(); w != r.seen {
		r.seen = w
		snap, d, err := r.readServing(ctx)
		if err != nil {
			return err
		}
		r.locked(func() {
			for _, k := range d.Revisions {
				if info, ok := snap.Revisions[k]; ok {
					r.feed.note(k, info.Service)
				}
			}
		})
		if rd := r.rec.ready; rd != nil { // the Service-ready breakdown (readiness.go)
			if err := rd.sync(ctx, r.b.Client(), r.eng.Now().Sub(r.start)); err != nil {
				return err
			}
		}
		r.dp.SyncDelta(r.eng.Now(), snap, d)
		if r.opts.OnSync != nil {
			r.opts.OnSync(r.eng.Now(), snap.Clone())
		}
		if err := r.ev.sync(ctx, r.b.Client()); err != nil { // events: topology (events.go)
			return err
		}
		r.ev.types.recheck() // config-features may have changed (eventtypes.go)
	}
	r.ev.drain(r.eng.Now()) // events: what sources emitted while settling (events.go)
	// events: eventtype-auto-create (eventtypes.go)
	return r.ev.types.create(ctx, r.b.Client())
}

// servingChanges is a control plane that names the objects written since
// it was last asked, so the data plane's view follows at the cost of what
// changed (the memory plane); others are read whole at every sync.
type servingChanges interface {
	ServingChanges() topology.Changes
}

// changesOf returns b as a servingChanges when its control plane is one,
// looking through the timing wrapper (which must not cost a fleet run its
// incremental reads).
func changesOf(b backend) (servingChanges, bool) {
	if t, ok := b.(timedBackend); ok {
		b = t.backend
	}
	sc, ok := b.(servingChanges)
	return sc, ok
}

// readServing brings the data plane's view of the control plane up to date
// and says what changed in it.
func (r *run) readServing(ctx context.Context) (*topology.Serving, topology.Delta, error) {
	sc, incremental := changesOf(r.b)
	if incremental && r.top != nil {
		snap, d, err := r.top.Update(ctx, r.b.Client(), sc.ServingChanges())
		if err != nil {
			r.top = nil // the changes are spent: read everything next time
		}
		return snap, d, err
	}
	if incremental {
		sc.ServingChanges() // the full read below covers them
	}
	top, snap, err := topology.NewTracker(ctx, r.b.Client())
	if err != nil {
		return nil, topology.Delta{}, err
	}
	r.top = top
	return snap, topology.Delta{Routes: true, Revisions: slices.SortedFunc(maps.Keys(snap.Revisions), topology.CompareKeys)}, nil
}

// finish summarises the run and evaluates the expectations.
func (r *run) finish(exprs []*expect.Expr, total time.Duration) (*results.Results, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.feed.flush()
	cfg, err := json.Marshal(r.sc)
	if err != nil {
		return nil, err
	}
	res := newResults(r.sc, r.sc.Metadata.Mode, total, cfg)
	r.rec.summarize(res, total, r.sc.Prices)
	r.ev.finish(r.eng.Now(), res) // events: counters (events.go)
	var ready []results.StageTimes
	if r.rec.ready != nil {
		ready = r.rec.ready.times()
		res.Readiness = results.Breakdown(ready)
	}
	evaluate(res, exprs, &lookup{r: r.rec, end: total, prices: r.sc.Prices, events: r.ev.summary(), eventRecords: r.ev.records, start: r.start, ready: ready, readyRecorded: r.rec.ready != nil})
	return res, nil
}

// newResults starts the results of a run of sc in mode, passed until an
// expectation fails.
func newResults(sc *scenario.Scenario, mode scenario.Mode, total time.Duration, cfg json.RawMessage) *results.Results {
	md := sc.Metadata
	return &results.Results{
		Scenario: results.Scenario{Name: md.Name, Description: md.Description, File: sc.File, Seed: md.Seed,
			Mode: string(mode), ControlPlane: string(md.ControlPlane), Duration: results.Seconds(total.Seconds()), Labels: md.Labels},
		Config: cfg,
		Passed: true,
	}
}

// evaluate records each expectation's outcome over l in res; one that
// cannot be evaluated fails with the reason as its observed value.
func evaluate(res *results.Results, exprs []*expect.Expr, l *lookup) {
	for _, e := range exprs {
		o, err := e.Eval(l)
		if err != nil {
			o = expect.Outcome{Text: e.String(), Observed: err.Error()}
		}
		res.Expectations = append(res.Expectations, results.Outcome{Expr: o.Text, Pass: o.Pass, Observed: o.Observed})
		res.Passed = res.Passed && o.Pass
	}
}
