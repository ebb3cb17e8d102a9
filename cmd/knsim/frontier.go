package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/knsim/knsim/reports"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/sweep"
)

// frontierOptions are knsim report's flags for a sweep's output folder.
type frontierOptions struct {
	objective   string
	constraints []string
}

func (o *frontierOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.objective, "objective", "cost",
		"sweep folders: the metric the recommended point minimizes (max:METRIC maximizes): cost, latency.p50, latency.p99, coldstarts.count, coldstarts.rate, pods.max, pods.seconds, requests.errors")
	cmd.Flags().StringArrayVar(&o.constraints, "constraint", nil,
		"sweep folders: a bound the recommended point meets, e.g. 'latency.p99 < 500ms' (repeatable)")
}

// isSweepResult reports whether path is a sweep's output folder.
func isSweepResult(path string) bool {
	_, err := os.Stat(filepath.Join(path, sweep.ManifestFile))
	return err == nil
}

// run writes the frontier report of a sweep folder.
func (o *frontierOptions) run(w io.Writer, out, dir string) error {
	obj, err := reports.ParseObjective(o.objective)
	if err != nil {
		return fmt.Errorf("--objective: %w", err)
	}
	var cons []reports.Constraint
	for _, s := range o.constraints {
		c, err := reports.ParseConstraint(s)
		if err != nil {
			return fmt.Errorf("--constraint: %w", err)
		}
		cons = append(cons, c)
	}
	s, err := sweep.WriteSummary(dir)
	if err != nil {
		return err
	}
	f := reports.NewFrontier(s, obj, cons)
	if f.Recommended >= 0 {
		// The recommended point's first run, read in full, gives the
		// per-Service breakdown and the nodes it needs.
		run := f.Points[f.Recommended].Runs[0]
		res, err := results.Read(filepath.Join(dir, run.File))
		if err != nil {
			return err
		}
		d := reports.DetailOf(res)
		f.Detail = &d
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	md, html := filepath.Join(out, "sweep.md"), filepath.Join(out, "sweep.html")
	for path, render := range map[string]func(io.Writer, *reports.Frontier) error{md: reports.FrontierMarkdown, html: reports.FrontierHTML} {
		fh, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := render(fh, f); err != nil {
			fh.Close()
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if err := fh.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "%s\nwrote %s\nwrote %s\n", f.Why, md, html)
	return nil
}
