// Command fleet measures what knsim's simulator costs as a serverless fleet
// grows. For each duration and each fleet size it generates the fleet with
// sim/fleet (one Knative Service per function, about 60,000 invocations a
// day per function, the Azure workload facts), runs its scenario on the
// memory control plane in virtual time and prints one row: Services,
// invocations, wall time of the run, invocations per wall second, peak RSS
// and the cost per invocation (wall time / invocations) relative to the
// smallest fleet of the same duration.
//
// Each run is a process of its own (the command runs itself with -child),
// so the peak RSS of a row is that run's; progress goes to stderr, the
// table to stdout.
//
// Usage (from the repository root; make bench-fleet runs the first):
//
//	go run ./bench/fleet/cmd/fleet -markdown
//	go run ./bench/fleet/cmd/fleet -n 20,50 -durations 10m,1h
//	go run ./bench/fleet/cmd/fleet -n 100 -durations 1h -cpuprofile-dir out/profiles
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/knsim/knsim/sim/expect"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	fleetbench "github.com/knsim/knsim/bench/fleet"
	"github.com/knsim/knsim/sim/fleet"
)

// options are the command's flags.
type options struct {
	sizes      []int
	durations  []time.Duration
	seed       uint64
	start      time.Duration
	markdown   bool
	profileDir string
	child      bool
}

func main() {
	o, err := parse(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(2)
	}
	ctrllog.SetLogger(logr.Discard())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.child {
		err = o.runChild(ctx, os.Stdout, os.Stderr)
	} else {
		err = o.runAll(ctx, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	sizes := fs.String("n", "20,50,100,200", "fleet sizes: functions (= Knative Services), comma-separated")
	durations := fs.String("durations", "1h,24h", "run lengths in virtual time, comma-separated, at most 24h each")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the fleets and the runs")
	fs.DurationVar(&o.start, "start", 0, "time of day the runs start at, in whole minutes (default midnight)")
	fs.BoolVar(&o.markdown, "markdown", false, "print the table as Markdown (for docs/performance.md)")
	fs.StringVar(&o.profileDir, "cpuprofile-dir", "", "write a CPU profile of each run into this folder (fleet-<N>-<duration>.pprof)")
	fs.BoolVar(&o.child, "child", false, "run one fleet and print its result as JSON (how the command runs each row)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of fleet:\n")
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == "child" {
				return // internal
			}
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0s" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(fs.Output(), "  -%s\n    \t%s%s\n", f.Name, f.Usage, def)
		})
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return o, fmt.Errorf("-n: %w", err)
	}
	if o.durations, err = parseDurations(*durations); err != nil {
		return o, fmt.Errorf("-durations: %w", err)
	}
	if o.child && (len(o.sizes) != 1 || len(o.durations) != 1) {
		return o, errors.New("-child runs one fleet: give one -n and one -durations")
	}
	return o, nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > fleet.MaxFunctions {
			return nil, fmt.Errorf("expected numbers of functions from 1 to %d, got %q", fleet.MaxFunctions, f)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d <= fleet.TrafficStart || d > 24*time.Hour {
			return nil, fmt.Errorf("expected durations above %s and at most 24h, got %q", fleet.TrafficStart, f)
		}
		out = append(out, d)
	}
	return out, nil
}

// runAll runs every (duration, size) in a child process and prints the
// table.
func (o options) runAll(ctx context.Context, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			return err
		}
	}
	var results []fleetbench.Result
	total, began := len(o.sizes)*len(o.durations), time.Now()
	for _, d := range o.durations {
		for _, n := range o.sizes {
			i := len(results) + 1
			fmt.Fprintf(stderr, "fleet: run %d/%d: %d Services, %s (%s elapsed)\n", i, total, n, expect.FormatDuration(d), since(began))
			res, err := o.runChildProcess(ctx, exe, n, d, stderr)
			if err != nil {
				if len(results) > 0 {
					o.print(stdout, results)
				}
				return fmt.Errorf("run %d/%d (%d Services, %s): %w", i, total, n, expect.FormatDuration(d), err)
			}
			fmt.Fprintf(stderr, "fleet: run %d/%d done: %d invocations in %s, %.0f per second, peak RSS %s\n",
				i, total, res.Invocations, res.Wall.Round(100*time.Millisecond), res.InvocationsPerSecond(), mib(res.MaxRSS))
			if res.Errors > 0 || !res.Passed {
				fmt.Fprintf(stderr, "fleet: warning: %d of the invocations failed (the scenario expects none)\n", res.Errors)
			}
			results = append(results, res)
		}
	}
	return o.print(stdout, results)
}

// print writes the machine line and the table.
func (o options) print(w io.Writer, results []fleetbench.Result) error {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = ", commit " + s.Value[:12]
			}
		}
	}
	prefix := "# "
	if o.markdown {
		prefix = ""
	}
	fmt.Fprintf(w, "%s%d CPUs, GOMAXPROCS %d, %s %s/%s%s, seed %d, memory control plane, virtual time\n",
		prefix, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, rev, o.seed)
	if o.markdown {
		fmt.Fprintln(w)
	}
	return fleetbench.WriteTable(w, results, o.markdown)
}

// runChildProcess runs one fleet in a child process and reads its result
// and peak RSS.
func (o options) runChildProcess(ctx context.Context, exe string, n int, d time.Duration, stderr io.Writer) (fleetbench.Result, error) {
	args := []string{"-child", "-n", strconv.Itoa(n), "-durations", d.String(), "-seed", strconv.FormatUint(o.seed, 10), "-start", o.start.String()}
	if o.profileDir != "" {
		args = append(args, "-cpuprofile-dir", o.profileDir)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return fleetbench.Result{}, err
	}
	var res fleetbench.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return fleetbench.Result{}, fmt.Errorf("reading the child's result %q: %w", out.String(), err)
	}
	res.MaxRSS = maxRSS(cmd.ProcessState)
	return res, nil
}

// runChild runs the one fleet of o and prints its result as JSON.
func (o options) runChild(ctx context.Context, stdout, stderr io.Writer) error {
	n, d := o.sizes[0], o.durations[0]
	label := fmt.Sprintf("%d Services, %s", n, expect.FormatDuration(d))
	began := time.Now()
	tenth := 0
	cfg := fleetbench.Config{Functions: n, Duration: d, Seed: o.seed, Start: o.start,
		Progress: func(done, total time.Duration) {
			if t := int(10 * float64(done) / float64(total)); t > tenth && total > 0 {
				tenth = t
				fmt.Fprintf(stderr, "fleet:   %s: %3d%% (%s virtual), %s wall\n", label, 10*t, done.Truncate(time.Second), since(began))
			}
		}}
	p, err := fleetbench.Prepare(cfg)
	if err != nil {
		return err
	}
	if o.profileDir != "" {
		f, err := os.Create(filepath.Join(o.profileDir, fmt.Sprintf("fleet-%d-%s.pprof", n, expect.FormatDuration(d))))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := p.Run(ctx)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(100 * time.Millisecond) }

func mib(b int64) string {
	if b <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("%d MiB", (b+(1<<19))>>20)
}
