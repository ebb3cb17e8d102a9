package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/yaml"

	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/sweep"
)

type sweepOptions struct {
	out          string
	workers      int
	shards       int
	shard        int
	shardSet     bool
	maxPoints    int
	budget       time.Duration
	controlPlane string
	quiet        bool
	printJob     bool
	job          sweep.JobConfig
	clock        clock.PassiveClock
	env          func(string) string
}

func newSweepCommand() *cobra.Command {
	o := sweepOptions{clock: clock.RealClock{}, env: os.Getenv}
	cmd := &cobra.Command{
		Use:   "sweep SWEEPFILE",
		Short: "Run a scenario over a grid, random or Latin-hypercube design of settings",
		Long: `sweep varies a scenario's settings without editing it: revision annotations of
its Knative Services, ConfigMap keys, cluster pools, workload parameters and
prices (docs/sweep.md). Every point is checked before anything runs. Points run
in parallel; each run's results JSON goes into --out/points, and a rerun of the
same sweep skips what is done. --out/summary.json lists every point's values and
its cost, latency, cold starts and pods.

With --shards N, the run takes only shard --shard (default: the
JOB_COMPLETION_INDEX of a Kubernetes Indexed Job); knsim merge joins the
shards' folders. --print-job prints that Job.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.shardSet = cmd.Flags().Changed("shard")
			return o.run(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "sweep-out", "folder for sweep.json, points/ and summary.json")
	f.IntVar(&o.workers, "workers", runtime.NumCPU(), "points run at once")
	f.IntVar(&o.shards, "shards", 1, "split the points into this many shards")
	f.IntVar(&o.shard, "shard", 0, "the shard to run (default: $JOB_COMPLETION_INDEX when --shards > 1)")
	f.IntVar(&o.maxPoints, "max-points", 0, "start at most this many points (0: all); a rerun continues")
	f.DurationVar(&o.budget, "budget", 0, "start no new point after this much wall time (0: no limit); a rerun continues")
	f.StringVar(&o.controlPlane, "control-plane", "", "override the scenario's control plane: envtest or memory")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar")
	f.BoolVar(&o.printJob, "print-job", false, "print the Kubernetes Indexed Job that runs the shards, and exit")
	f.StringVar(&o.job.Image, "image", "", "--print-job: the knsim image (tools/docker/Dockerfile)")
	f.StringVar(&o.job.Name, "job-name", "knsim-sweep", "--print-job: the Job's name")
	f.StringVar(&o.job.Namespace, "namespace", "default", "--print-job: the Job's namespace")
	f.StringVar(&o.job.Claim, "claim", "knsim-sweep-results", "--print-job: the PersistentVolumeClaim the shards write to")
	f.StringVar(&o.job.SweepFile, "sweep-path", "", "--print-job: the sweep file's path in the image (default: SWEEPFILE as given)")
	f.IntVar(&o.job.Workers, "job-workers", 1, "--print-job: --workers of each pod (its CPU request)")
	return cmd
}

func (o sweepOptions) run(ctx context.Context, stdout, stderr io.Writer, file string) error {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	if o.shards < 1 {
		return fmt.Errorf("--shards must be at least 1, got %d", o.shards)
	}
	if o.controlPlane != "" && o.controlPlane != string(scenario.Envtest) && o.controlPlane != string(scenario.Memory) {
		return fmt.Errorf("--control-plane must be envtest or memory, got %q", o.controlPlane)
	}
	f, err := sweep.Load(file)
	if err != nil {
		return err
	}
	if o.printJob {
		return o.writeJob(stdout, file)
	}
	if o.shards > 1 && !o.shardSet {
		idx := o.env("JOB_COMPLETION_INDEX")
		if idx == "" {
			return fmt.Errorf("--shards %d needs --shard or JOB_COMPLETION_INDEX", o.shards)
		}
		if o.shard, err = strconv.Atoi(idx); err != nil {
			return fmt.Errorf("JOB_COMPLETION_INDEX %q is not a number", idx)
		}
	}
	if o.shards > 1 && (o.shard < 0 || o.shard >= o.shards) {
		return fmt.Errorf("shard %d is outside 0..%d", o.shard, o.shards-1)
	}
	opts := sweep.Options{Out: o.out, Workers: o.workers, Shards: o.shards, Shard: o.shard, MaxPoints: o.maxPoints,
		Budget: o.budget, Clock: o.clock, ControlPlane: scenario.ControlPlane(o.controlPlane)}
	var bar *sweepBar
	if !o.quiet {
		bar = newSweepBar(stderr)
		opts.Progress = bar.update
	}
	rep, err := sweep.Run(ctx, f, opts)
	if bar != nil {
		bar.done()
	}
	if err != nil {
		return err
	}
	what := "sweep"
	if o.shards > 1 {
		what = fmt.Sprintf("shard %d of %d", o.shard, o.shards)
	}
	fmt.Fprintf(stdout, "%s: %d points, %d done before, %d run now, %d seeds each -> %s\n", what, rep.Points, rep.Skipped, rep.Ran, len(f.Seeds), o.out)
	if rep.Left > 0 {
		fmt.Fprintf(stdout, "stopped: %s; %d points not started (%s); rerun the same command to continue\n",
			rep.Stopped, rep.Left, indexList(rep.LeftIndexes))
	}
	if o.shards > 1 {
		fmt.Fprintf(stdout, "join the shards with: knsim merge --out DIR SHARD-DIRS...\n")
	} else {
		fmt.Fprintf(stdout, "summary: %s/%s\n", o.out, sweep.SummaryFile)
	}
	return nil
}

// writeJob prints the Indexed Job as YAML.
func (o sweepOptions) writeJob(w io.Writer, file string) error {
	c := o.job
	c.Shards = o.shards
	if c.SweepFile == "" {
		c.SweepFile = file
	}
	job, err := sweep.Job(c)
	if err != nil {
		return err
	}
	b, err := yaml.Marshal(job)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// indexList shortens a list of point indexes for a message.
func indexList(idx []int) string {
	parts := make([]string, 0, 11)
	for i, x := range idx {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("… %d more", len(idx)-10))
			break
		}
		parts = append(parts, strconv.Itoa(x))
	}
	return "points " + strings.Join(parts, ", ")
}

// sweepBar draws the sweep's progress with an ETA on stderr: a redrawn
// bar on a terminal, a line per tenth otherwise.
type sweepBar struct {
	w        io.Writer
	terminal bool
	drawn    bool
	tenth    int
}

func newSweepBar(w io.Writer) *sweepBar {
	f, ok := w.(*os.File)
	return &sweepBar{w: w, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

func (b *sweepBar) update(p sweep.Progress) {
	if p.Total <= 0 {
		return
	}
	eta := "ETA " + p.ETA.Round(time.Second).String()
	if p.Done == p.Total {
		eta = "done"
	}
	if !b.terminal {
		if t := 10 * p.Done / p.Total; t > b.tenth {
			b.tenth = t
			fmt.Fprintf(b.w, "sweep: %d/%d points, %s elapsed, %s\n", p.Done, p.Total, p.Elapsed.Round(time.Second), eta)
		}
		return
	}
	const width = 30
	n := width * p.Done / p.Total
	fmt.Fprintf(b.w, "\rsweep [%s%s] %d/%d points, %s elapsed, %s   ", strings.Repeat("=", n), strings.Repeat(" ", width-n),
		p.Done, p.Total, p.Elapsed.Round(time.Second), eta)
	b.drawn = true
}

func (b *sweepBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
