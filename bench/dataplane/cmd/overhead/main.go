// Command overhead measures the latency knsim's real-mode data plane adds
// to a fixed-latency user container at a fixed request rate (direct,
// gateway -> queue-proxy, gateway -> activator -> queue-proxy; hey as the
// client) and prints a Markdown table.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"time"

	dataplanebench "github.com/knsim/knsim/bench/dataplane"
	"github.com/knsim/knsim/sim/gcpolicy"
)

func main() {
	var o dataplanebench.Options
	flag.IntVar(&o.RPS, "rps", 1000, "total requests per second")
	flag.IntVar(&o.Concurrency, "c", 20, "hey workers; each sends rps/c a second")
	flag.DurationVar(&o.Duration, "duration", 10*time.Second, "measured time per path and round")
	flag.DurationVar(&o.Warmup, "warmup", time.Second, "unrecorded load before each measurement")
	flag.IntVar(&o.Rounds, "rounds", 1, "times the three paths are measured in turn")
	flag.DurationVar(&o.ServiceTime, "service-time", 10*time.Millisecond, "the user container's fixed latency")
	flag.BoolVar(&o.Burst, "burst", false, "run the workers as one hey Work (bursts of c, as the hey command)")
	gc := flag.String("gc", gcpolicy.Policy{MemoryLimit: gcpolicy.DefaultMemoryLimit}.String(),
		`collector setting: a memory limit such as 1Gi (GOGC off below it), or "default" for Go's GOGC=100; GOGC/GOMEMLIMIT in the environment win`)
	goal := flag.Duration("goal", time.Millisecond, "added p99 to flag as over budget")
	flag.Parse()
	var err error
	if o.GC, err = gcpolicy.Parse(*gc); err != nil {
		fmt.Fprintln(os.Stderr, "overhead: -gc:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := dataplanebench.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "overhead:", err)
		os.Exit(1)
	}
	fmt.Printf("%s, GOMAXPROCS=%d\n\n", runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Print(res.Table())
	fmt.Println()
	for _, p := range dataplanebench.Paths[1:] {
		verdict := "within"
		if res.AddedP99(p) > *goal {
			verdict = "OVER"
		}
		fmt.Printf("%s: +%.3fms at p99, %s the %s goal\n", p, float64(res.AddedP99(p))/float64(time.Millisecond), verdict, *goal)
	}
}
