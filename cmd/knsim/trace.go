package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/knsim/knsim/sim/azuretrace"
)

// traceImportOptions are the flags of `knsim trace import`.
type traceImportOptions struct {
	dir     string
	day     int
	minutes string
	top     int
	sample  int
	seed    uint64
	name    string
	out     string
}

func newTraceCommand() *cobra.Command {
	trace := &cobra.Command{
		Use:   "trace",
		Short: "Turn real serverless traces into scenarios",
	}
	trace.AddCommand(newTraceImportCommand())
	return trace
}

func newTraceImportCommand() *cobra.Command {
	o := traceImportOptions{}
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write a scenario from a day of the Azure Functions 2019 dataset",
		Long: `import reads one day of the Azure Functions 2019 dataset from --dir
(invocations_per_function_md.anon.dNN.csv, function_durations_percentiles.anon.dNN.csv
and app_memory_percentiles.anon.dNN.csv, NN from --day) and writes a runnable scenario
into --out: one Knative Service per function, each with a log-normal execution time
fitted to its p50 and p99 and a memory request from its app's memory, and the trace
of the chosen functions. --minutes replays a window of the day; --top N keeps the N
busiest functions of the window, --sample N the N functions whose invocation rates and
execution times are closest to the whole day's (Wasserstein distance, seeded).
docs/trace-import.md describes the formats, the fits and the selection.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", ".", "the dataset's folder (the files of azurefunctions-dataset2019.tar.xz)")
	f.IntVar(&o.day, "day", 1, "the day's file number NN (01 to 14; the memory files stop at 12)")
	f.StringVar(&o.minutes, "minutes", azuretrace.WholeDay.String(), "the minutes of the day to replay, A-B (1-based, inclusive)")
	f.IntVar(&o.top, "top", 0, "keep the N functions with the most invocations in the window")
	f.IntVar(&o.sample, "sample", 0, "keep N representative functions (smallest Wasserstein distance to the population)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the sample and of the scenario's run")
	f.StringVar(&o.name, "name", "", "the scenario's name and file stem, a DNS-1123 label (default azure-dNN)")
	f.StringVar(&o.out, "out", "", "folder to write the scenario into (default out/<name>)")
	cmd.MarkFlagsMutuallyExclusive("top", "sample")
	return cmd
}

func (o traceImportOptions) run(stdout io.Writer) error {
	w, err := azuretrace.ParseWindow(o.minutes)
	if err != nil {
		return fmt.Errorf("--%w", err)
	}
	if o.top < 0 || o.sample < 0 {
		return fmt.Errorf("--top and --sample: expected a positive number of functions, got %d and %d", o.top, o.sample)
	}
	day, err := azuretrace.ReadDay(o.dir, o.day)
	if err != nil {
		return err
	}
	for i, n := range []int{len(day.Invocations), len(day.Durations), len(day.Memory)} {
		fmt.Fprintf(stdout, "read %s: %d rows\n", day.Files[i], n)
	}
	sel, err := azuretrace.Select(day, azuretrace.Options{Window: w, Top: o.top, Sample: o.sample, Seed: o.seed})
	if err != nil {
		return err
	}
	pop := sel.Population
	fmt.Fprintf(stdout, "population: %d functions invoked in minutes %s (left out: %s)\n", len(pop.Functions), w, pop.Dropped())
	total, kept := 0, 0
	for _, f := range pop.Functions {
		total += f.Invocations
	}
	for _, f := range sel.Functions {
		kept += f.Invocations
	}
	fmt.Fprintf(stdout, "selected: %s\n", sel.How)
	fmt.Fprintf(stdout, "selected: %d functions, %d of the window's %d invocations (%.1f %%)\n",
		len(sel.Functions), kept, total, 100*float64(kept)/float64(total))
	fmt.Fprintf(stdout, "Wasserstein distance to the population: %.4f in log10 invocations per minute, %.4f in log10 average execution ms\n",
		sel.Distances.Rate, sel.Distances.Duration)
	name := o.name
	if name == "" {
		name = fmt.Sprintf("azure-d%02d", o.day)
	}
	out := o.out
	if out == "" {
		out = filepath.Join("out", name)
	}
	path, err := sel.WriteScenario(out, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s, %s and %s\n", path, filepath.Join(out, "traces", name+".csv"), filepath.Join(out, "services.yaml"))
	fmt.Fprintf(stdout, "run it: knsim run %s\n", path)
	return nil
}
