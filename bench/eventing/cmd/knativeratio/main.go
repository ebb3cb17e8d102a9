// Command knativeratio runs knsim's real-mode broker benchmark (producer ->
// broker ingress -> trigger filter -> subscriber, all on loopback) and
// prints throughput and latency next to Knative's historical ~1.2k events/s
// per broker.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	eventingbench "github.com/knsim/knsim/bench/eventing"
)

func main() {
	events := flag.Int("events", 100000, "events to send")
	conc := flag.Int("c", 16, "concurrent producers (closed loop)")
	payload := flag.Int("payload", 128, "bytes of event data")
	extra := flag.Int("extra-triggers", 3, "non-matching triggers evaluated per event")
	h2c := flag.Bool("h2c", false, "speak unencrypted HTTP/2 on both hops instead of HTTP/1.1")
	gogc := flag.Int("gogc", 0, "set the GC percent (0 keeps GOGC or the default 100)")
	warmup := flag.Int("warmup", 5000, "events sent first and not measured")
	flag.Parse()
	if *gogc > 0 {
		debug.SetGCPercent(*gogc)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cfg := eventingbench.Config{Events: *events, Concurrency: *conc, PayloadBytes: *payload, ExtraTriggers: *extra, H2C: *h2c}
	if *warmup > 0 {
		w := cfg
		w.Events = *warmup
		if _, err := eventingbench.Run(ctx, w); err != nil {
			fmt.Fprintln(os.Stderr, "warm-up:", err)
			os.Exit(1)
		}
	}
	res, err := eventingbench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("machine:     %d CPUs, GOMAXPROCS %d, %s, GC percent %d, load average %s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), gcPercent(), loadAverage())
	proto := "HTTP/1.1"
	if cfg.H2C {
		proto = "h2c"
	}
	fmt.Printf("config:      %d events, %d producers, %d-byte payload, %d extra triggers, %s\n", cfg.Events, cfg.Concurrency, cfg.PayloadBytes, cfg.ExtraTriggers, proto)
	fmt.Printf("throughput:  %.0f events/s\n", res.EventsPerSecond)
	fmt.Printf("end-to-end:  p50 %v  p99 %v (producer send -> subscriber receipt)\n", res.P50.Round(time.Microsecond), res.P99.Round(time.Microsecond))
	fmt.Printf("ingress:     p50 %v  p99 %v (producer send -> 202)\n", res.IngressP50.Round(time.Microsecond), res.IngressP99.Round(time.Microsecond))
	fmt.Printf("cpu:         %v per event (producer + broker + subscriber, user+system)\n", res.CPUPerEvent.Round(100*time.Nanosecond))
	fmt.Printf("vs Knative:  %.1fx its historical %.0f events/s per broker\n", res.Ratio(), eventingbench.KnativeBrokerEventsPerSecond)
	verdict := "met"
	if !res.MeetsGoal() {
		verdict = "NOT met"
	}
	fmt.Printf("goal:        >= %.0f events/s with p99 <= %v: %s\n", eventingbench.GoalEventsPerSecond, eventingbench.GoalP99, verdict)
	fmt.Printf("counters:    %+v\n", res.Counters)
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
