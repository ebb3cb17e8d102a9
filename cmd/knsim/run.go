package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/gcpolicy"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

type runOptions struct {
	out          string
	mode         string
	controlPlane string
	seed         uint64
	seedSet      bool
	report       bool
	quiet        bool
	gc           string
	gcPolicy     gcpolicy.Policy // gc, parsed by run
	cpuProfile   string
	maxDuration  time.Duration // 0: scenario.DefaultMaxDuration
	outside      bool          // file: paths may leave the scenario's folder
	readiness    bool          // record the Service-ready breakdown and write its CSV
	exports      exportOptions // --metrics-out, --trace-out (run_exports.go)
}

func newRunCommand() *cobra.Command {
	o := runOptions{}
	cmd := &cobra.Command{
		Use:   "run FILE...",
		Short: "Run scenario files and check their expectations",
		Long: `run validates each scenario file (a bad file fails before anything runs, with
file:line:column), runs it in virtual time on an envtest (or memory) control
plane, prints a summary in the shape hey users know, writes results JSON into
--out, and exits non-zero when an expectation fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.seedSet = cmd.Flags().Changed("seed")
			return o.run(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "out", "directory for results JSON (and the report with --report)")
	f.StringVar(&o.mode, "mode", "", "override the scenarios' mode: virtual or real")
	f.StringVar(&o.controlPlane, "control-plane", "", "override the scenarios' control plane: envtest or memory")
	f.Uint64Var(&o.seed, "seed", 0, "override the scenarios' seed")
	f.BoolVar(&o.report, "report", false, "also write report.md and report.html for all runs")
	f.DurationVar(&o.maxDuration, "max-duration", scenario.DefaultMaxDuration.D(),
		"the longest metadata.duration a scenario may ask for (virtual time); the runner keeps per-second series for the whole run")
	f.BoolVar(&o.outside, "allow-outside-files", false,
		"let file: paths (manifests, traces) name files outside the scenario's folder and its subfolders")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print only the verdict lines")
	f.BoolVar(&o.readiness, "readiness", true,
		"record the Service-ready breakdown (creation to Configuration, Revision, Deployment, pod, PodAutoscaler, SKS, Route and Service ready) in the results and write it as <results>.readiness.csv (virtual runs)")
	f.StringVar(&o.gc, "gc-memory-limit", gcpolicy.Policy{MemoryLimit: gcpolicy.DefaultMemoryLimit}.String(),
		`during real-mode runs, collect garbage only when the heap nears this size, which keeps collector pauses out of the measured latency; "default" keeps Go's GOGC=100`)
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the runs to this file (go tool pprof reads it)")
	o.exports.addFlags(f)
	return cmd
}

func (o runOptions) run(ctx context.Context, stdout, stderr io.Writer, files []string) error {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	if o.mode != "" && o.mode != string(scenario.Virtual) && o.mode != string(scenario.Real) {
		return fmt.Errorf("--mode must be virtual or real, got %q", o.mode)
	}
	if o.controlPlane != "" && o.controlPlane != string(scenario.Envtest) && o.controlPlane != string(scenario.Memory) {
		return fmt.Errorf("--control-plane must be envtest or memory, got %q", o.controlPlane)
	}
	var err error
	if o.gcPolicy, err = gcpolicy.Parse(o.gc); err != nil {
		return fmt.Errorf("--gc-memory-limit: %w", err)
	}
	// Every file is validated before anything runs.
	var scs []*scenario.Scenario
	var errs []error
	for _, f := range files {
		sc, err := scenario.LoadWith(f, scenario.Limits{MaxDuration: scenario.Duration(o.maxDuration), FilesOutside: o.outside})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if o.mode != "" {
			sc.Metadata.Mode = scenario.Mode(o.mode)
		}
		scs = append(scs, sc)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := o.exports.validate(scs); err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "knsim: %v\n", err)
			}
		}()
	}
	var runs []*results.Results
	var failed []string
	for _, sc := range scs {
		began := time.Now()
		var timing runner.Timing
		res, err := o.runOne(runner.WithTiming(ctx, &timing), sc, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.File, err)
		}
		wall := time.Since(began)
		path := filepath.Join(o.out, resultsName(res))
		if err := res.Write(path); err != nil {
			return err
		}
		if err := writeReadinessCSV(path, res); err != nil {
			return err
		}
		if !o.quiet {
			printSummary(stdout, res)
			if sc.Metadata.Mode != scenario.Real {
				fmt.Fprintln(stdout, speed(res, wall, timing))
			}
		}
		verdict := "PASS"
		if !res.Passed {
			verdict = "FAIL"
			failed = append(failed, res.Scenario.Name)
		}
		fmt.Fprintf(stdout, "%s %s (%s) -> %s\n", verdict, res.Scenario.Name, sc.File, path)
		for _, e := range res.Expectations {
			if !e.Pass {
				fmt.Fprintf(stdout, "  expectation failed: %s: %s\n", e.Expr, e.Observed)
			}
		}
		runs = append(runs, res)
	}
	if o.report {
		md, html, err := writeReports(o.out, runs)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "report: %s, %s\n", md, html)
	}
	if len(failed) > 0 {
		return fmt.Errorf("expectations failed in %s", strings.Join(failed, ", "))
	}
	return nil
}

func (o runOptions) runOne(ctx context.Context, sc *scenario.Scenario, stderr io.Writer) (*results.Results, error) {
	opts := runner.Options{ControlPlane: scenario.ControlPlane(o.controlPlane), Readiness: o.readiness}
	if o.seedSet {
		opts.Seed = &o.seed
	}
	if !o.quiet {
		bar := newProgress(stderr, sc.Metadata.Name, string(sc.Metadata.Mode))
		opts.Progress = bar.update
		defer bar.done()
	}
	if sc.Metadata.Mode == scenario.Real {
		restore, _ := gcpolicy.Apply(o.gcPolicy)
		defer restore()
		return runner.RunReal(ctx, sc, opts)
	}
	seed := sc.Metadata.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	x, err := o.exports.attach(sc, seed, &opts)
	if err != nil {
		return nil, err
	}
	res, err := runner.Run(ctx, sc, opts)
	if err != nil {
		return nil, err
	}
	return res, x.write(res)
}

// writeReadinessCSV writes the run's Service-ready breakdown, one row per
// Service, beside its results JSON (x.json -> x.readiness.csv), when the
// run recorded one.
func writeReadinessCSV(resultsPath string, res *results.Results) error {
	if res.Readiness == nil {
		return nil
	}
	f, err := os.Create(strings.TrimSuffix(resultsPath, ".json") + ".readiness.csv")
	if err != nil {
		return err
	}
	if err := res.Readiness.WriteCSV(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func resultsName(r *results.Results) string {
	mode := r.Scenario.Mode
	if mode == "" || mode == string(scenario.Virtual) {
		mode = "virtual-" + r.Scenario.ControlPlane
	}
	return r.Scenario.Name + "." + mode + ".json"
}

// progress draws a bar on stderr once a run has taken more than a second.
// When stderr is not a terminal (a CI log), it writes a plain line at every
// further tenth of the run instead of redrawing one.
type progress struct {
	w        io.Writer
	name     string
	clock    string // "virtual" or "wall-clock"
	started  time.Time
	last     time.Time
	drawn    bool
	terminal bool
	tenth    int // tenths of the run reported so far (not a terminal)
}

func newProgress(w io.Writer, name, mode string) *progress {
	clk := "virtual"
	if mode == string(scenario.Real) {
		clk = "wall-clock"
	}
	f, ok := w.(*os.File)
	return &progress{w: w, name: name, clock: clk, started: time.Now(), terminal: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) update(done, total time.Duration) {
	if time.Since(p.started) < time.Second || total <= 0 || done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	if !p.terminal {
		if t := int(10 * float64(done) / float64(total)); t > p.tenth {
			p.tenth = t
			fmt.Fprintf(p.w, "%s: %3d%%  %s of %s %s, %s wall\n", p.name, 10*t, done.Truncate(time.Second), total, p.clock,
				time.Since(p.started).Truncate(100*time.Millisecond))
		}
		return
	}
	const width = 30
	n := int(float64(width) * float64(done) / float64(total))
	fmt.Fprintf(p.w, "\r%-24s [%s%s] %5.1f%%  %s of %s %s, %s wall", trim(p.name, 24), strings.Repeat("=", n),
		strings.Repeat(" ", width-n), 100*float64(done)/float64(total), done.Truncate(time.Second), total, p.clock, time.Since(p.started).Truncate(100*time.Millisecond))
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn && p.terminal {
		fmt.Fprintln(p.w)
	}
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// speed says what a virtual run cost: the wall time of the run itself
// (its requests per wall second and how much faster than real time it
// ran), and of its control plane's start-up and stop around it.
func speed(r *results.Results, wall time.Duration, t runner.Timing) string {
	run := wall - t.StartUp - t.Stop
	if run <= 0 {
		run = time.Nanosecond
	}
	virtual := time.Duration(float64(r.Scenario.Duration) * float64(time.Second))
	return fmt.Sprintf("Speed: %d requests in %s of wall time, %.0f requests per wall second, %.1fx real time (start-up %s, stop %s)",
		r.Requests.Total, run.Round(time.Millisecond), float64(r.Requests.Total)/run.Seconds(), virtual.Seconds()/run.Seconds(),
		t.StartUp.Round(time.Millisecond), t.Stop.Round(time.Millisecond))
}

// startCPUProfile writes a CPU profile to path until the returned stop is
// called.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		return nil
	}, nil
}
