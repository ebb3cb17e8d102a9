package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/knsim/knsim/reports"
	"github.com/knsim/knsim/sim/results"
)

func newReportCommand() *cobra.Command {
	var out string
	var fo frontierOptions
	cmd := &cobra.Command{
		Use:   "report RESULTS.json...",
		Short: "Render results as Markdown and a self-contained HTML page",
		Long: `report reads results JSON written by knsim run and writes report.md (fits a
CI job summary) and report.html (one page, charts embedded) into --out.
Runs of the same scenario in different modes are put side by side.

Given a sweep's output folder (knsim sweep), it draws cost against p99 latency
and against cold-start rate, marks the Pareto-optimal points, and names the
point with the best --objective among those meeting every --constraint.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && isSweepResult(args[0]) { // frontier.go
				return fo.run(cmd.OutOrStdout(), out, args[0])
			}
			runs := make([]*results.Results, 0, len(args))
			for _, a := range args {
				r, err := results.Read(a)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			md, html, err := writeReports(out, runs)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\nwrote %s\n", md, html)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "out", "directory for report.md and report.html")
	fo.flags(cmd)
	return cmd
}

// writeReports renders runs into dir and returns the two paths.
func writeReports(dir string, runs []*results.Results) (md, html string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	md, html = filepath.Join(dir, "report.md"), filepath.Join(dir, "report.html")
	for path, render := range map[string]func(*os.File) error{
		md:   func(f *os.File) error { return reports.Markdown(f, runs) },
		html: func(f *os.File) error { return reports.HTML(f, runs) },
	} {
		f, err := os.Create(path)
		if err != nil {
			return "", "", err
		}
		if err := render(f); err != nil {
			f.Close()
			return "", "", fmt.Errorf("writing %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return "", "", err
		}
	}
	return md, html, nil
}
