// Command knativeratio runs knsim's real-mode broker benchmark (producer ->
// broker ingress -> trigger filter -> subscriber, all on loopback) and
// prints throughput and latency next to Knative's historical ~1.2k events/s
// per broker.
//
// With -gc-memory-limit the measured run is done twice: first with the
// default GC policy (or -gogc), then with the collector driven by a memory
// limit only (GC percent off), and both results are printed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	eventingbench "github.com/knsim/knsim/bench/eventing"
	"github.com/knsim/knsim/sim/gcpolicy"
)

func main() {
	events := flag.Int("events", 100000, "events to send")
	conc := flag.Int("c", 16, "concurrent producers (closed loop)")
	payload := flag.Int("payload", 128, "bytes of event data")
	extra := flag.Int("extra-triggers", 3, "non-matching triggers evaluated per event")
	h2c := flag.Bool("h2c", false, "speak unencrypted HTTP/2 on both hops instead of HTTP/1.1")
	gogc := flag.Int("gogc", 0, "set the GC percent (0 keeps GOGC or the default 100)")
	memLimit := flag.String("gc-memory-limit", "", "also measure with GC percent off and this soft memory limit (a quantity such as 512Mi); the default-GC run is reported first")
	peers := flag.String("peers", string(eventingbench.FastHTTP), "HTTP stack of the producer and the subscriber: fasthttp or net/http (h2c needs net/http)")
	warmup := flag.Int("warmup", 5000, "events sent first and not measured")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured run(s) to this file")
	memProfile := flag.String("memprofile", "", "write an allocation profile after the measured run(s) to this file")
	flag.Parse()
	if *gogc > 0 {
		debug.SetGCPercent(*gogc)
	}
	var policy gcpolicy.Policy
	if *memLimit != "" {
		var err error
		if policy, err = gcpolicy.Parse(*memLimit); err != nil {
			fmt.Fprintln(os.Stderr, "-gc-memory-limit:", err)
			os.Exit(2)
		}
	}
	if *memProfile != "" {
		runtime.MemProfileRate = 64 << 10
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cfg := eventingbench.Config{Events: *events, Concurrency: *conc, PayloadBytes: *payload, ExtraTriggers: *extra, H2C: *h2c,
		Peers: eventingbench.Peers(*peers)}
	if *h2c && !isFlagSet("peers") {
		cfg.Peers = eventingbench.NetHTTP
	}
	if *warmup > 0 {
		w := cfg
		w.Events = *warmup
		if _, err := eventingbench.Run(ctx, w); err != nil {
			fail("warm-up:", err)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer f.Close()
	}
	res, err := eventingbench.Run(ctx, cfg)
	if err != nil {
		fail(err)
	}
	report(cfg, res, fmt.Sprintf("GC percent %d, no memory limit", gcPercent()))
	if policy.MemoryLimit > 0 {
		restore, desc := gcpolicy.Apply(policy)
		runtime.GC()
		res, err := eventingbench.Run(ctx, cfg)
		if err != nil {
			fail(err)
		}
		fmt.Println()
		report(cfg, res, desc)
		restore()
	}
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fail(err)
		}
		_ = f.Close()
	}
}

// report prints one measured run; gc describes the GC policy it ran under.
func report(cfg eventingbench.Config, res eventingbench.Result, gc string) {
	fmt.Printf("machine:     %d CPUs, GOMAXPROCS %d, %s, %s, load average %s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), gc, loadAverage())
	proto := "HTTP/1.1"
	if cfg.H2C {
		proto = "h2c"
	}
	peers := cfg.Peers
	if peers == "" {
		peers = eventingbench.FastHTTP
	}
	fmt.Printf("config:      %d events, %d producers, %d-byte payload, %d extra triggers, %s, %s producer and subscriber\n",
		cfg.Events, cfg.Concurrency, cfg.PayloadBytes, cfg.ExtraTriggers, proto, peers)
	fmt.Printf("throughput:  %.0f events/s\n", res.EventsPerSecond)
	fmt.Printf("end-to-end:  p50 %v  p99 %v (producer send -> subscriber receipt)\n", res.P50.Round(time.Microsecond), res.P99.Round(time.Microsecond))
	fmt.Printf("ingress:     p50 %v  p99 %v (producer send -> 202)\n", res.IngressP50.Round(time.Microsecond), res.IngressP99.Round(time.Microsecond))
	fmt.Printf("cpu:         %v per event (producer + broker + subscriber, user+system)\n", res.CPUPerEvent.Round(100*time.Nanosecond))
	fmt.Printf("memory:      %.1f allocs and %.0f bytes per event, %d GCs\n", res.AllocsPerEvent, res.BytesPerEvent, res.GCs)
	fmt.Printf("vs Knative:  %.1fx its historical %.0f events/s per broker\n", res.Ratio(), eventingbench.KnativeBrokerEventsPerSecond)
	verdict := "met"
	if !res.MeetsGoal() {
		verdict = "NOT met"
	}
	fmt.Printf("goal:        >= %.0f events/s with p99 <= %v: %s\n", eventingbench.GoalEventsPerSecond, eventingbench.GoalP99, verdict)
	fmt.Printf("counters:    %+v\n", res.Counters)
}

// fail prints its arguments and exits 1.
func fail(a ...any) {
	fmt.Fprintln(os.Stderr, a...)
	os.Exit(1)
}

// isFlagSet reports whether the command line set flag name.
func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// gcPercent reads the current GC percent without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// loadAverage is the 1-minute load average, which says how much of the
// machine the run had ("?" where /proc is missing).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) == 0 {
		return "?"
	}
	f := strings.Fields(string(b))
	return f[0]
}
