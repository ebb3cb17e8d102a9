package fleet

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/knsim/knsim/sim/expect"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The scenario WriteScenario writes.
const (
	// ServicesPerNode sizes the node pool: one node per 5 Services (at
	// least one), 4 nodes for the shipped 20 as scenarios/azure-diurnal.yaml.
	ServicesPerNode = 5
	// NodeCPU and NodeMemory are each node's capacity.
	NodeCPU    = 16
	NodeMemory = "64Gi"
	// TrafficStart is when the replay starts: once the Routes are Ready
	// (earlier requests would get 404).
	TrafficStart = 10 * time.Second
	// DefaultScenarioDuration is the default length of a run: the day.
	DefaultScenarioDuration = 24 * time.Hour
)

// Nodes is the number of nodes of the scenario of a fleet of n functions.
func Nodes(n int) int { return max(1, (n+ServicesPerNode-1)/ServicesPerNode) }

// ScenarioOptions shape the scenario WriteScenario writes.
type ScenarioOptions struct {
	// Name is the scenario's name and the stem of its files, a DNS-1123
	// label (default "fleet-<N>").
	Name string
	// Duration is the run's length in virtual time, more than
	// TrafficStart and at most a day (default DefaultScenarioDuration).
	Duration time.Duration
	// Start is the time of day the run starts at, in whole minutes below
	// 24h (default 0, midnight): the trace is rotated so that its first
	// minute is that minute, since the runner replays a trace from its
	// first minute.
	Start time.Duration
}

var dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// withDefaults fills o's defaults for a fleet of n functions and checks it.
func (o ScenarioOptions) withDefaults(n int) (ScenarioOptions, error) {
	if o.Name == "" {
		o.Name = fmt.Sprintf("fleet-%d", n)
	}
	if o.Duration == 0 {
		o.Duration = DefaultScenarioDuration
	}
	var errs []error
	if len(o.Name) > 63 || !dns1123Label.MatchString(o.Name) {
		errs = append(errs, fmt.Errorf("name: expected a DNS-1123 label (lowercase letters, digits and '-', at most 63), got %q", o.Name))
	}
	if o.Duration <= TrafficStart || o.Duration > 24*time.Hour {
		errs = append(errs, fmt.Errorf("duration: expected more than %s (when traffic starts) and at most 24h (the trace's day), got %s", TrafficStart, o.Duration))
	}
	if o.Start < 0 || o.Start >= 24*time.Hour || o.Start%time.Minute != 0 {
		errs = append(errs, fmt.Errorf("start: expected a time of day in whole minutes, 0 to 23h59m, got %s", o.Start))
	}
	return o, errors.Join(errs...)
}

// WriteScenario writes a runnable scenario that replays the fleet into
// dir (created if missing): dir/<name>.yaml, the trace dir/traces/<name>.csv
// (rotated to start at o.Start) and the Knative Services dir/services.yaml.
// The scenario runs on the memory control plane with Nodes(N) nodes of
// NodeCPU CPUs and NodeMemory, the pod timings and prices of
// scenarios/azure-diurnal.yaml, a target of one in-flight invocation per
// pod, each Service's log-normal execution time, timers replayed on the
// minute (spread: start) and the other functions uniformly within their
// minutes, and the one expectation requests.errors == 0. It returns the
// scenario file's path.
func (f *Fleet) WriteScenario(dir string, o ScenarioOptions) (path string, err error) {
	n := len(f.Functions)
	if n == 0 {
		return "", errors.New("the fleet has no functions")
	}
	if o, err = o.withDefaults(n); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "traces"), 0o755); err != nil {
		return "", err
	}
	day := f
	if o.Start != f.Start {
		day = f.Rotate(o.Start - f.Start)
	}
	trace := "traces/" + o.Name + ".csv"
	if err := writeFile(filepath.Join(dir, trace), day.WriteTrace); err != nil {
		return "", err
	}
	comment := fmt.Sprintf("One Knative Service per function of %s.\nWritten by knsim's fleet generator (sim/fleet): %s.", trace, f.describeConfig())
	if f.Source != "" {
		comment = fmt.Sprintf("One Knative Service per function of %s:\n%s.", trace, f.Source)
	}
	if err := writeFile(filepath.Join(dir, "services.yaml"), func(w io.Writer) error { return f.WriteServices(w, comment) }); err != nil {
		return "", err
	}
	path = filepath.Join(dir, o.Name+".yaml")
	if err := writeFile(path, func(w io.Writer) error { return day.writeScenario(w, o, trace) }); err != nil {
		return "", err
	}
	return path, nil
}

// describeConfig names the fleet's configuration for comments.
func (f *Fleet) describeConfig() string {
	c := f.Config
	if c.Shipped() {
		return fmt.Sprintf("the %d shipped profiles, seed %d", ShippedFunctions, c.Seed)
	}
	return fmt.Sprintf("%d sampled functions, seed %d, about %g invocations a day each",
		c.Functions, c.Seed, c.invocationsPerFunction())
}

// writeScenario writes the scenario file of the (rotated) fleet.
func (f *Fleet) writeScenario(w io.Writer, o ScenarioOptions, trace string) error {
	n := len(f.Functions)
	totals := make([]int, n)
	total, timers := 0, 0
	for i := range f.Functions {
		totals[i] = f.Functions[i].Total()
		total += totals[i]
		if f.Functions[i].Profile.Trigger == "timer" {
			timers++
		}
	}
	sorted := slices.Clone(totals)
	slices.Sort(sorted)
	top, rareCount := 0, 0
	nTop := max(1, int(math.Round(heavyShare*float64(n))))
	for i, t := range sorted {
		if i >= n-nTop {
			top += t
		}
		if t <= rareDaily {
			rareCount++
		}
	}
	share := 0.0
	if total > 0 {
		share = 100 * float64(top) / float64(total)
	}

	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	what := fmt.Sprintf("%d synthetic Azure-Functions-like functions", n)
	if f.Source != "" {
		for _, line := range strings.Split(f.Source+".", "\n") {
			p("# %s\n", line)
		}
		what = fmt.Sprintf("%d functions of a real trace", n)
	} else {
		p("# A synthetic serverless fleet, written by knsim's fleet generator\n")
		p("# (sim/fleet; scenarios/tools/gentrace -scenario DIR):\n# %s.\n", f.describeConfig())
	}
	p("# %s holds the day's per-minute counts, services.yaml the %d Knative Services.\n", trace, n)
	p("metadata:\n  name: %s\n  description: >\n", o.Name)
	p("    %s, one Knative Service each, replaying\n", what)
	p("    %s of the fleet's day from %s on the memory control plane. The day holds %d\n", expect.FormatDuration(o.Duration), clock(o.Start), total)
	p("    invocations; the busiest 20 %% (%s) make %.1f %% of them, %s invoked at most\n", count(nTop, "function"), share, isAre(rareCount))
	p("    once an hour and %s.\n", isAre(timers)+" timers")
	if f.Config.Seed != 0 {
		p("  seed: %d\n", f.Config.Seed)
	}
	p("  duration: %s\n  controlPlane: memory\n  labels: [trace, azure, fleet]\n", expect.FormatDuration(o.Duration))
	p("cluster:\n  nodes:\n")
	p("    - {count: %d, cpu: %d, memory: %s}   # one node per %d Services\n", Nodes(n), NodeCPU, NodeMemory, ServicesPerNode)
	p(`  pods:
    imagePull: 2s
    cachedImagePull: 200ms
    containerStart: 500ms
    readiness: 200ms
manifests:
  - inline: |
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: config-autoscaler
        namespace: knative-serving
      data:
        # one in-flight invocation per instance, the FaaS model (a soft target).
        container-concurrency-target-default: "1"
        container-concurrency-target-percentage: "100"
  - file: services.yaml
traffic:
`)
	entry := func(name, spread string, timer bool) {
		p("  - name: %s\n    start: %s\n    trace:\n      file: %s\n      spread: %s\n      map:\n", name, expect.FormatDuration(TrafficStart), trace, spread)
		for _, fn := range f.Functions {
			if (fn.Profile.Trigger == "timer") == timer {
				p("        %q: %s\n", fn.Function, fn.Profile.Service)
			}
		}
	}
	if timers < n {
		p("  # once the %d Routes are Ready (earlier requests would get 404)\n", n)
		entry("invocations", "uniform", false)
	}
	if timers > 0 {
		p("  # timer triggers fire on the minute, so their gaps are exact.\n")
		entry("timers", "start", true)
	}
	p("workloads:\n")
	writeWorkloads(bw, f.Functions)
	p(`prices:
  # AWS Fargate-like list prices, USD.
  vcpuSecond: 0.00001124
  gibSecond: 0.00000123
expect:
  - requests.errors == 0
`)
	return bw.Flush()
}

// count says "1 function" or "3 functions".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// isAre says "1 is" or "3 are".
func isAre(n int) string {
	if n == 1 {
		return "1 is"
	}
	return fmt.Sprintf("%d are", n)
}

// writeFile writes path with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// clock prints a time of day as 15:04.
func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour)%24, int(d%time.Hour/time.Minute))
}
