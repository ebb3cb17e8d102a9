package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/knsim/knsim/sim/gate"
)

type gateOptions struct {
	out            string
	results        string
	baseline       string
	updateBaseline bool
	seeds          int
	firstSeed      uint64
	workers        int
	controlPlane   string
	calibrate      bool
	trials         int
	plant          float64
	plantSet       bool
	plantSettings  []string
}

// gateError is an error of the gate itself (a bad file, a failed run), told
// apart from a regression by its exit status.
type gateError struct{ err error }

func (e gateError) Error() string { return "error: " + e.err.Error() }
func (e gateError) Unwrap() error { return e.err }

// ExitCode is the exit status of a gate that could not judge: 2, where a
// regression exits with 1.
func (e gateError) ExitCode() int { return 2 }

func newGateCommand() *cobra.Command {
	o := gateOptions{}
	cmd := &cobra.Command{
		Use:   "gate GATEFILE...",
		Short: "Compare latency, cold starts, cost and throughput over several seeds with a baseline",
		Long: `gate runs each gate file's scenarios over K seeds (or reads their results
with --results), measures the gate's metrics, and compares each with the
committed baseline by an exact one-sided rank test and a minimum effect.
Each metric is a regression, improvement, unchanged or inconclusive. It
writes a Markdown table (appended to $GITHUB_STEP_SUMMARY when set), JUnit XML
and a results JSON into --out, and exits with status 1 on a regression and 2
when the gate could not run. --update-baseline writes the baseline instead;
--calibrate measures the gate's false-alarm rate and power (docs/gates.md).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.plantSet = cmd.Flags().Changed("plant")
			err := o.run(cmd, args)
			var regressed errRegression
			if err != nil && !errors.As(err, &regressed) {
				return gateError{err}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "out/gate", "directory for the report (Markdown, JUnit XML, JSON) and each run's results JSON")
	f.StringVar(&o.results, "results", "", "read the runs' results JSON from this directory instead of running the scenarios")
	f.StringVar(&o.baseline, "baseline", "", "baseline file (default: as the gate file says, else bench/baselines/<name>.json)")
	f.BoolVar(&o.updateBaseline, "update-baseline", false, "write the measurements as the new baseline (fixed bands are kept) instead of comparing")
	f.IntVar(&o.seeds, "seeds", 0, "number of seeds K (default: the gate file's)")
	f.Uint64Var(&o.firstSeed, "first-seed", 0, "first seed (default: the gate file's)")
	f.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "runs at once")
	f.StringVar(&o.controlPlane, "control-plane", "", "override the control plane: envtest or memory")
	f.BoolVar(&o.calibrate, "calibrate", false, "measure false alarms (unchanged code, other seeds) and power (service time planted) over --trials")
	f.IntVar(&o.trials, "trials", 20, "calibration trials")
	f.Float64Var(&o.plant, "plant", 1.10, "the factor on every service time of the planted regression (--calibrate); without --calibrate, runs the candidate with it, to check that the gate catches a slowdown")
	f.StringArrayVar(&o.plantSettings, "plant-setting", nil, "plant a changed setting, PATH=VALUE with a sweep override path (services[NAME].annotations[KEY], configmaps[NAME].KEY, a scenario field); repeatable. With --calibrate it is the planted regression (service times unchanged unless --plant is given); without, the candidate runs with it")
	return cmd
}

// errRegression is the error of a gate that found a regression.
type errRegression struct{ gates []string }

func (e errRegression) Error() string {
	return "regression in gate " + strings.Join(e.gates, ", ") + " (see the table above)"
}

func (o gateOptions) run(cmd *cobra.Command, files []string) error {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	ctx, stdout, stderr := cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr()
	if o.controlPlane != "" && o.controlPlane != "memory" && o.controlPlane != "envtest" {
		return fmt.Errorf("--control-plane must be envtest or memory, got %q", o.controlPlane)
	}
	if o.results != "" && (o.calibrate || o.seeds != 0 || o.firstSeed != 0 || o.plantSet || len(o.plantSettings) > 0) {
		return errors.New("--results reads finished runs: it goes with neither --calibrate, --plant, --plant-setting, --seeds nor --first-seed")
	}
	if o.plant <= 0 {
		return fmt.Errorf("--plant must be above 0, got %g", o.plant)
	}
	if o.plantSet && o.updateBaseline {
		return errors.New("--plant slows the candidate down: it does not go with --update-baseline")
	}
	if len(o.plantSettings) > 0 && o.updateBaseline {
		return errors.New("--plant-setting changes the candidate: it does not go with --update-baseline")
	}
	plant, err := o.plantOf()
	if err != nil {
		return err
	}
	// Every gate file, and every scenario it names, is checked before
	// anything runs.
	var gates []*gate.Loaded
	var errs []error
	for _, f := range files {
		l, err := gate.Load(f)
		if err == nil {
			if o.seeds != 0 {
				l.Seeds = o.seeds
			}
			if o.firstSeed != 0 {
				l.FirstSeed = o.firstSeed
			}
			_, err = l.LoadScenarios()
			if err == nil && !plant.IsZero() && o.results == "" {
				err = l.CheckPlant(plant)
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		gates = append(gates, l)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if o.baseline != "" && len(gates) > 1 {
		return errors.New("--baseline names one baseline: give one gate file")
	}
	var failed []string
	for _, l := range gates {
		regressed, err := o.runGate(ctx, l, plant, stdout, stderr)
		if err != nil {
			return fmt.Errorf("gate %s: %w", l.Name, err)
		}
		if regressed {
			failed = append(failed, l.Name)
		}
	}
	if len(failed) > 0 {
		return errRegression{failed}
	}
	return nil
}

// plantOf is the regression --plant and --plant-setting plant: with
// --calibrate, the service times stay as they are when only settings are
// planted and --plant is not given.
func (o gateOptions) plantOf() (gate.Plant, error) {
	var p gate.Plant
	for _, s := range o.plantSettings {
		st, err := gate.ParseSetting(s)
		if err != nil {
			return p, fmt.Errorf("--plant-setting %w", err)
		}
		p.Settings = append(p.Settings, st)
	}
	if o.plantSet || (o.calibrate && len(p.Settings) == 0) {
		p.Factor = o.plant
	}
	return p, nil
}

func (o gateOptions) runGate(ctx context.Context, l *gate.Loaded, plant gate.Plant, stdout, stderr io.Writer) (bool, error) {
	ro := gate.RunOptions{Workers: o.workers, ControlPlane: o.controlPlane, Progress: stderr}
	blPath := l.BaselinePath()
	if o.baseline != "" {
		blPath = o.baseline
	}
	if o.calibrate {
		began := time.Now()
		bands, err := gate.ReadBaseline(blPath)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
		c, err := l.Calibrate(ctx, o.trials, plant, ro, stderr, bands)
		if err != nil {
			return false, err
		}
		fmt.Fprintf(stdout, "calibration of gate %s (%s, alpha %g):\n\n", l.Name, l.Test, l.Alpha)
		c.WriteMarkdown(stdout)
		fmt.Fprintf(stdout, "\n%s of wall time, %d workers\n", time.Since(began).Round(time.Second), o.workers)
		return false, nil
	}
	var m *gate.Measurements
	var err error
	if o.results != "" {
		m, err = l.FromResults(o.results)
	} else {
		ro.Out = filepath.Join(o.out, "runs")
		if !plant.IsZero() {
			ro.Mutate = plant.Apply
		}
		m, err = l.Run(ctx, ro)
	}
	if err != nil {
		return false, err
	}
	if o.updateBaseline {
		old, err := gate.ReadBaseline(blPath)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
		b := gate.NewBaseline(m, provenance(o.controlPlane, l.ControlPlane), old)
		if err := b.Write(blPath); err != nil {
			return false, err
		}
		fmt.Fprintf(stdout, "gate %s: baseline written to %s (seeds %v)\n", l.Name, blPath, m.Seeds)
		return false, nil
	}
	bl, err := gate.ReadBaseline(blPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("no baseline %s: write one with knsim gate --update-baseline %s", blPath, l.File)
		}
		return false, err
	}
	rows := l.Compare(bl, m)
	rep := &gate.Report{Gate: l.Name, Baseline: blPath, Provenance: bl.Provenance, Seeds: m.Seeds, Alpha: l.Alpha,
		Failed: gate.Failed(rows), Rows: rows}
	return rep.Failed, o.writeReport(l, rep, stdout)
}

func (o gateOptions) writeReport(l *gate.Loaded, rep *gate.Report, stdout io.Writer) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	var md strings.Builder
	if err := rep.WriteMarkdown(&md, l); err != nil {
		return err
	}
	fmt.Fprintln(stdout, md.String())
	base := filepath.Join(o.out, l.Name)
	if err := os.WriteFile(base+".md", []byte(md.String()), 0o644); err != nil {
		return err
	}
	if err := rep.WriteJSON(base + ".results.json"); err != nil {
		return err
	}
	jf, err := os.Create(base + ".junit.xml")
	if err != nil {
		return err
	}
	if err := rep.WriteJUnit(jf, l); err != nil {
		_ = jf.Close()
		return err
	}
	if err := jf.Close(); err != nil {
		return err
	}
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
		_, werr := io.WriteString(f, md.String()+"\n")
		if err := errors.Join(werr, f.Close()); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	fmt.Fprintf(stdout, "gate %s: %s.md, %s.junit.xml, %s.results.json\n", l.Name, base, base, base)
	return nil
}

// provenance says where a new baseline comes from: the commit when the
// working directory is in git, today's date, and the knsim build.
func provenance(flagCP, fileCP string) gate.Provenance {
	p := gate.Provenance{Date: time.Now().UTC().Format(time.RFC3339), ControlPlane: flagCP}
	if p.ControlPlane == "" {
		p.ControlPlane = fileCP
	}
	if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		p.Commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			p.Commit += "+dirty"
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		p.KnsimVersion = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				p.KnsimVersion += " " + s.Value
			}
		}
	}
	return p
}
