package gate

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// RunOptions configure Run.
type RunOptions struct {
	// Seeds replace the gate's seeds when set.
	Seeds []uint64
	// Workers is how many runs go at once (default: one per core).
	Workers int
	// ControlPlane overrides the gate's and the scenarios' control plane.
	ControlPlane string
	// Progress, when set, gets a line per finished run.
	Progress io.Writer
	// Out, when set, is a folder for each run's results JSON (probes
	// included, so --results can read them back).
	Out string
	// Mutate, when set, changes every scenario before it runs (calibration
	// plants a regression this way: Plant.Apply); an error fails the run.
	Mutate func(*scenario.Scenario) error
}

// LoadScenarios loads every scenario of the gate, so that a bad one fails
// before anything runs.
func (l *Loaded) LoadScenarios() ([]*scenario.Scenario, error) {
	var out []*scenario.Scenario
	var errs []string
	for _, s := range l.Scenarios {
		sc, err := scenario.Load(l.ResolvePath(s.File))
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		out = append(out, sc)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// Run runs every scenario of the gate with every seed, in parallel, and
// measures the gate's metrics. Every run is deterministic, so the
// measurements depend only on the code, the files and the seeds.
func (l *Loaded) Run(ctx context.Context, o RunOptions) (*Measurements, error) {
	if _, err := l.LoadScenarios(); err != nil {
		return nil, err
	}
	seeds := o.Seeds
	if len(seeds) == 0 {
		seeds = l.SeedList()
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cp := o.ControlPlane
	if cp == "" {
		cp = l.ControlPlane
	}
	if o.Out != "" {
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return nil, err
		}
	}
	type job struct{ scen, seed int }
	runs := make([][]*results.Results, len(l.Scenarios))
	for i := range runs {
		runs[i] = make([]*results.Results, len(seeds))
	}
	jobs := make(chan job)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	total := len(l.Scenarios) * len(seeds)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res, err := l.runOne(ctx, j.scen, seeds[j.seed], cp, o)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				runs[j.scen][j.seed] = res
				done++
				if o.Progress != nil && err == nil {
					fmt.Fprintf(o.Progress, "gate %s: %d/%d %s seed %d\n", l.Name, done, total, res.Scenario.Name, seeds[j.seed])
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range l.Scenarios {
		for k := range seeds {
			select {
			case jobs <- job{i, k}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := &Measurements{Gate: l.Name, Seeds: slices.Clone(seeds)}
	for i := range l.Scenarios {
		sv, err := Measure(l, i, runs[i])
		if err != nil {
			return nil, err
		}
		m.Scenarios = append(m.Scenarios, sv)
	}
	return m, nil
}

func (l *Loaded) runOne(ctx context.Context, i int, seed uint64, cp string, o RunOptions) (*results.Results, error) {
	file := l.ResolvePath(l.Scenarios[i].File)
	sc, err := scenario.Load(file)
	if err != nil {
		return nil, err
	}
	for _, m := range l.Metrics[i] {
		sc.Expect = append(sc.Expect, Probe(m))
	}
	if o.Mutate != nil {
		if err := o.Mutate(sc); err != nil {
			return nil, err
		}
	}
	res, err := runner.Run(ctx, sc, runner.Options{Seed: &seed, ControlPlane: scenario.ControlPlane(cp)})
	if err != nil {
		return nil, fmt.Errorf("%s (seed %d): %w", file, seed, err)
	}
	if o.Out != "" {
		name := fmt.Sprintf("%s.seed-%d.json", res.Scenario.Name, seed)
		if err := res.Write(filepath.Join(o.Out, name)); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// FromResults measures the gate's metrics from results JSON files in dir
// (from knsim gate --out, or knsim run --seed ... --out): every file whose
// scenario is one of the gate's counts, grouped by seed.
func (l *Loaded) FromResults(dir string) (*Measurements, error) {
	scs, err := l.LoadScenarios()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	bySeed := make([]map[uint64]*results.Results, len(scs))
	for i := range bySeed {
		bySeed[i] = map[uint64]*results.Results{}
	}
	seedSet := map[uint64]bool{}
	for _, f := range files {
		r, err := results.Read(f)
		if err != nil {
			continue // other JSON files (reports, baselines) may share the folder
		}
		for i, sc := range scs {
			if r.Scenario.Name == sc.Metadata.Name {
				bySeed[i][r.Scenario.Seed] = r
				seedSet[r.Scenario.Seed] = true
			}
		}
	}
	var seeds []uint64
	for s := range seedSet {
		seeds = append(seeds, s)
	}
	slices.Sort(seeds)
	m := &Measurements{Gate: l.Name, Seeds: seeds}
	for i, sc := range scs {
		if len(bySeed[i]) == 0 {
			return nil, fmt.Errorf("%s: no results of scenario %s (%s)", dir, sc.Metadata.Name, l.Scenarios[i].File)
		}
		sv := ScenarioValues{Name: sc.Metadata.Name, File: l.Scenarios[i].File, Values: map[string][]*float64{}}
		for _, seed := range seeds {
			r := bySeed[i][seed]
			for _, met := range l.Metrics[i] {
				var p *float64
				if r != nil {
					v, ok, err := Value(r, met)
					if err != nil {
						return nil, err
					}
					if ok {
						p = &v
					}
				}
				sv.Values[met.Name()] = append(sv.Values[met.Name()], p)
			}
		}
		m.Scenarios = append(m.Scenarios, sv)
	}
	return m, nil
}
