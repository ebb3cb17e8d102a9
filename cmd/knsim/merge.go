package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/knsim/knsim/sim/sweep"
)

func newMergeCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "merge DIR...",
		Short: "Join the output folders of a sweep's shards into one sweep result",
		Long: `merge joins the folders that knsim sweep --shards wrote (one per shard) into
--out: the runs' results files and a summary.json byte-identical to the one an
unsharded run of the same sweep writes. Every folder must hold the same sweep.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.OutOrStdout(), out, args)
		},
	}
	cmd.Flags().StringVar(&out, "out", "sweep-out", "folder for the joined sweep")
	return cmd
}

func runMerge(w io.Writer, out string, dirs []string) error {
	s, err := sweep.Merge(out, dirs...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "merged %d folders: %d points with results", len(dirs), len(s.Points))
	if len(s.Missing) > 0 {
		fmt.Fprintf(w, ", %d with runs missing (%s)", len(s.Missing), indexList(s.Missing))
	}
	fmt.Fprintf(w, " -> %s/%s\n", out, sweep.SummaryFile)
	return nil
}
