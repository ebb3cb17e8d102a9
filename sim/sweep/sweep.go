package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// Options adjust a sweep run.
type Options struct {
	// Out is the output folder: sweep.json, points/ and summary.json.
	Out string
	// Workers is how many points run at once (default: one per core).
	Workers int
	// Shards and Shard split the points: this run takes the points whose
	// index modulo Shards is Shard. Shards 0 or 1 runs every point. A
	// shard writes no summary; Merge joins the shards' folders.
	Shards, Shard int
	// MaxPoints, when positive, is how many points this run starts at
	// most (points already done do not count).
	MaxPoints int
	// Budget, when positive, is the wall time after which no new point
	// starts; running points finish.
	Budget time.Duration
	// Clock measures the budget and the progress (default: the wall clock).
	Clock clock.PassiveClock
	// Progress, when set, is told after every finished point.
	Progress func(Progress)
	// ControlPlane, when set, replaces the scenario's control plane.
	ControlPlane scenario.ControlPlane
	// AssetsDir holds the envtest binaries (runner.Options.AssetsDir).
	AssetsDir string
}

// Progress is how far a sweep run is.
type Progress struct {
	// Done and Total count this run's points (those done by an earlier
	// run are not in Total).
	Done, Total int
	// Elapsed is the wall time since the run started.
	Elapsed time.Duration
	// ETA is the estimated wall time left: the wall time per finished
	// point so far times the points left.
	ETA time.Duration
}

// Report says what a sweep run did.
type Report struct {
	// Points is how many points this run (or shard) is responsible for.
	Points int
	// Skipped were already done by an earlier run.
	Skipped int
	// Ran were run now.
	Ran int
	// Left were not started because of the budget; their indexes are in
	// LeftIndexes.
	Left        int
	LeftIndexes []int
	// Stopped says why points were left ("" when none were).
	Stopped string
}

// Run runs the sweep's points (this shard's) that the output folder does
// not hold yet, and writes summary.json unless it is a shard. A run that
// fails (not an expectation: a broken run) stops the sweep.
func Run(ctx context.Context, f *File, opts Options) (*Report, error) {
	if opts.Shards > 1 && (opts.Shard < 0 || opts.Shard >= opts.Shards) {
		return nil, fmt.Errorf("shard %d is outside 0..%d", opts.Shard, opts.Shards-1)
	}
	clk := opts.Clock
	if clk == nil {
		clk = clock.RealClock{}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	points, err := f.Points()
	if err != nil {
		return nil, err
	}
	m := f.manifest(points)
	if err := prepareOut(opts.Out, m); err != nil {
		return nil, err
	}
	rep := &Report{}
	var todo []Point
	for _, pt := range points {
		if opts.Shards > 1 && pt.Index%opts.Shards != opts.Shard {
			continue
		}
		rep.Points++
		if pointDone(opts.Out, pt, f.Seeds) {
			rep.Skipped++
			continue
		}
		todo = append(todo, pt)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := clk.Now()
	jobs := make(chan Point)
	var (
		mu       sync.Mutex
		firstErr error
		started  int
		done     int
		wg       sync.WaitGroup
	)
	// take decides, as a worker picks a point up, whether the budget lets
	// it start; a point not started is left for a rerun.
	take := func(pt Point) bool {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case firstErr != nil || ctx.Err() != nil:
			return false
		case rep.Stopped != "":
		case opts.MaxPoints > 0 && started >= opts.MaxPoints:
			rep.Stopped = fmt.Sprintf("--max-points %d reached", opts.MaxPoints)
		case opts.Budget > 0 && clk.Since(start) >= opts.Budget:
			rep.Stopped = fmt.Sprintf("the %s budget was spent", opts.Budget)
		default:
			started++
			return true
		}
		rep.LeftIndexes = append(rep.LeftIndexes, pt.Index)
		return false
	}
	for range min(workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pt := range jobs {
				if !take(pt) {
					continue
				}
				err := f.runPoint(ctx, pt, opts)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				done++
				if opts.Progress != nil && err == nil {
					opts.Progress(progressAt(done, len(todo), clk.Since(start)))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, pt := range todo {
		select {
		case jobs <- pt:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	slices.Sort(rep.LeftIndexes)
	rep.Ran, rep.Left = started, len(rep.LeftIndexes)
	if firstErr != nil {
		return rep, firstErr
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if opts.Shards <= 1 {
		if _, err := WriteSummary(opts.Out); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// progressAt estimates the time left from the points done so far; elapsed
// already reflects the workers running side by side.
func progressAt(done, total int, elapsed time.Duration) Progress {
	p := Progress{Done: done, Total: total, Elapsed: elapsed}
	if done > 0 && done < total {
		perPoint := elapsed / time.Duration(done)
		p.ETA = perPoint * time.Duration(total-done)
	}
	return p
}

// runPoint runs a point's seeds that have no results file yet.
func (f *File) runPoint(ctx context.Context, pt Point, opts Options) error {
	for _, seed := range f.Seeds {
		path := filepath.Join(opts.Out, RunFile(pt.Index, seed))
		if _, err := os.Stat(path); err == nil {
			continue
		}
		sc, err := f.ScenarioFor(pt)
		if err != nil {
			return err
		}
		s := seed
		res, err := runner.Run(ctx, sc, runner.Options{Seed: &s, ControlPlane: opts.ControlPlane, AssetsDir: opts.AssetsDir})
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return err
			}
			return fmt.Errorf("point %d (%s), seed %d: %w", pt.Index, f.describe(pt), seed, err)
		}
		if err := writeResults(path, res); err != nil {
			return err
		}
	}
	return nil
}

// RunFile is where a point's run with seed is kept, relative to the
// output folder.
func RunFile(index int, seed uint64) string {
	return filepath.Join("points", fmt.Sprintf("p%05d-s%d.json", index, seed))
}

func pointDone(out string, pt Point, seeds []uint64) bool {
	for _, s := range seeds {
		if _, err := os.Stat(filepath.Join(out, RunFile(pt.Index, s))); err != nil {
			return false
		}
	}
	return true
}

// writeResults writes a run's results atomically: a file that exists is
// complete, so a rerun after an interruption trusts it.
func writeResults(path string, res *results.Results) error {
	tmp := path + ".tmp"
	if err := res.Write(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
