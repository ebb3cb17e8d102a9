package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	"github.com/rakyll/hey/requester"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/world"
	"github.com/knsim/knsim/system/eventing/jetstream"
	"github.com/knsim/knsim/system/shell"
	"github.com/knsim/knsim/system/shell/eventingshell"
	"github.com/knsim/knsim/system/shell/servingshell"
	"github.com/knsim/knsim/system/telemetry"
)

// heyTimeout is hey's per-request timeout in seconds (hey -t's default).
const heyTimeout = 20

// RunReal runs a scenario in real mode: the same control plane as a virtual
// run (an envtest world) on the wall clock, the real shells as knsim up
// starts them (system/shell: the Serving shell's gateway, activator and
// queue-proxies behind real HTTP on 127.0.0.1, user containers holding each
// request for its drawn service time, and the Eventing shell beside it) and
// hey's requester aimed at the gateway on loopback. It takes the scenario's duration in wall time and returns
// results in the same shape as Run, recorded the same way: requests as the
// gateway saw them, pods as the emulated cluster reported them, revision
// load once a second.
//
// Real mode drives hey traffic only; rate and trace generators and timed
// actions are refused before anything starts.
func RunReal(ctx context.Context, sc *scenario.Scenario, opts Options) (*results.Results, error) {
	return runReal(ctx, clock.RealClock{}, sc, opts)
}

// runReal runs on clk: the world's controllers need delayed execution, the
// data plane tickers.
func runReal(ctx context.Context, clk clock.WithTickerAndDelayedExecution, sc *scenario.Scenario, opts Options) (*results.Results, error) {
	if opts.Seed != nil {
		sc.Metadata.Seed = *opts.Seed
	}
	sc.Metadata.Mode = scenario.Real
	if opts.ControlPlane == scenario.Memory || (opts.ControlPlane == "" && sc.Metadata.ControlPlane == scenario.Memory) {
		return nil, errors.New("real mode runs on the envtest control plane (the memory plane exists only in virtual time): drop controlPlane: memory or use --mode virtual")
	}
	sc.Metadata.ControlPlane = scenario.Envtest
	if err := realSupported(sc); err != nil {
		return nil, err
	}
	exprs, err := sc.Expectations()
	if err != nil {
		return nil, err
	}

	var mu sync.Mutex // pod events, requests and seconds arrive from many goroutines
	var rec *recorder
	cc := clusterConfig(sc)
	cc.OnPodEvent = func(e cluster.PodEvent) {
		mu.Lock()
		defer mu.Unlock()
		if rec != nil {
			rec.onPod(e)
		}
	}
	w, err := world.Start(ctx, world.Config{Clock: clk, Cluster: cc, AssetsDir: opts.AssetsDir})
	if err != nil {
		return nil, fmt.Errorf("starting envtest control plane: %w", err)
	}
	defer w.Stop()
	b := worldBackend{w}

	// The run's time 0 is when the manifests are applied, as in virtual time.
	start, total := clk.Now(), sc.Metadata.Duration.D()
	mu.Lock()
	rec = newRecorder(start)
	ms := w.Autoscaler
	rec.desired = func(k types.NamespacedName) int32 {
		if st, ok := ms.Status(k); ok && st.DesiredScale >= 0 {
			return st.DesiredScale
		}
		return 0
	}
	rec.resources = func(dep types.NamespacedName) (float64, float64) { return podResources(ctx, w.Client, dep) }
	mu.Unlock()
	locked := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		f()
	}

	var objs []*unstructured.Unstructured
	for _, m := range sc.Manifests {
		objs = append(objs, m.Objects...)
	}
	if err := ensureNamespaces(ctx, b, objs); err != nil {
		return nil, err
	}
	if err := b.Apply(ctx, "default", objs...); err != nil {
		return nil, err
	}

	ws, def := workloads(sc)
	var syncErr error
	// The real shells: Serving serves the scenario's traffic; Eventing runs
	// beside it as in knsim up, its durable channels in a store of the run's
	// own.
	store, err := os.MkdirTemp("", "knsim-real-jetstream-")
	if err != nil {
		return nil, fmt.Errorf("creating the JetStream store: %w", err)
	}
	defer os.RemoveAll(store)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	shells, err := shell.Start(runCtx, shell.Config{
		Client: w.ControllerClient, Metrics: w.Autoscaler, Clock: clk,
		Serving: servingshell.Config{
			Seed: sc.Metadata.Seed, Workloads: ws, DefaultWorkload: def,
			OnRequest: func(r telemetry.Record) { locked(func() { rec.onRequest(r) }) },
			OnSecond:  func(now time.Time, l []telemetry.RevisionSecond) { locked(func() { rec.onSecond(now, l) }) },
			OnError:   func(err error) { locked(func() { syncErr = err }) },
		},
		Eventing: eventingshell.Config{JetStream: jetstream.Config{StoreDir: store, InProcess: true}},
	})
	if err != nil {
		return nil, err
	}
	defer shells.Close()
	plane := shells.Serving

	// Each hey burst starts at its time and stops after z (or n requests),
	// or when the run ends.
	var heys sync.WaitGroup
	var bursts []*burst
	for i, t := range sc.Traffic {
		work, err := heyWork(plane.Addr(), t)
		if err != nil {
			return nil, fmt.Errorf("traffic[%d]: %w", i, err)
		}
		bu := &burst{work: work}
		bursts = append(bursts, bu)
		heys.Add(1)
		bu.timer = clk.AfterFunc(t.Start.D(), func() {
			defer heys.Done()
			if z := t.Hey.Z.D(); z > 0 {
				stop := clk.AfterFunc(z, bu.stop)
				defer stop.Stop()
			}
			work.Run()
		})
	}
	waitErr := waitFor(runCtx, clk, start, total, opts.Progress)
	for _, bu := range bursts {
		if bu.timer.Stop() {
			heys.Done() // never started
		}
		bu.stop() // a burst still running at the end is cut, as the run is
	}
	heys.Wait()
	cancel()
	_ = shells.Close()
	if waitErr != nil {
		return nil, waitErr
	}

	mu.Lock()
	defer mu.Unlock()
	if rec.revOrder == nil && syncErr != nil {
		return nil, fmt.Errorf("the Serving shell never read the control plane: %w", syncErr)
	}
	return finishReal(sc, rec, exprs, total)
}

// burst is one hey generator of a real run.
type burst struct {
	work  *requester.Work
	timer clock.Timer
	once  sync.Once
}

// stop stops hey once: a second Stop could block on hey's stop channel.
func (b *burst) stop() { b.once.Do(b.work.Stop) }

// realSupported refuses what real mode does not drive yet, naming it.
func realSupported(sc *scenario.Scenario) error {
	var errs []error
	for i, t := range sc.Traffic {
		if t.Hey == nil {
			errs = append(errs, fmt.Errorf("traffic[%d] (%s): real mode drives hey traffic only; run %s generators with --mode virtual", i, t.Kind(), t.Kind()))
		}
	}
	for i, a := range sc.Actions {
		errs = append(errs, fmt.Errorf("actions[%d] (%s at %s): real mode runs no timed actions yet; use --mode virtual", i, a.Kind(), a.At.D()))
	}
	if len(sc.Events) > 0 {
		errs = append(errs, errors.New("events: real mode sends no event workloads yet; use --mode virtual"))
	}
	return errors.Join(errs...)
}

// heyWork is hey's requester for one hey generator, aimed at the gateway
// with the generator's Host header: n requests (or as many as fit in z)
// from c workers, each at most q per second.
func heyWork(gateway string, t scenario.Traffic) (*requester.Work, error) {
	h := t.Hey
	req, err := http.NewRequest(http.MethodGet, "http://"+gateway+"/", nil)
	if err != nil {
		return nil, err
	}
	req.Host = t.Host
	c := h.C
	if c == 0 {
		c = scenario.DefaultHeyC
	}
	n := h.N
	switch {
	case h.Z.D() > 0:
		n = math.MaxInt32 // hey -z: stopped after z
	case n == 0:
		n = scenario.DefaultHeyN
	}
	work := &requester.Work{Request: req, N: n, C: c, QPS: h.Q, Timeout: heyTimeout, Writer: io.Discard}
	work.Init()
	return work, nil
}

// waitFor blocks until total has passed since start on clk, telling
// progress once a second.
func waitFor(ctx context.Context, clk clock.WithTicker, start time.Time, total time.Duration, progress func(done, total time.Duration)) error {
	t := clk.NewTicker(time.Second)
	defer t.Stop()
	end := clk.NewTimer(total - clk.Since(start))
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end.C():
			if progress != nil {
				progress(total, total)
			}
			return nil
		case now := <-t.C():
			if progress != nil {
				progress(min(now.Sub(start), total), total)
			}
		}
	}
}

// finishReal summarises a real run as finish does a virtual one.
func finishReal(sc *scenario.Scenario, rec *recorder, exprs []*expect.Expr, total time.Duration) (*results.Results, error) {
	cfg, err := json.Marshal(sc)
	if err != nil {
		return nil, err
	}
	res := newResults(sc, scenario.Real, total, cfg)
	rec.summarize(res, total, sc.Prices)
	evaluate(res, exprs, &lookup{r: rec, end: total, prices: sc.Prices, start: rec.start})
	return res, nil
}
