// Command scale10k scales Deployments to 10,000 pods on envtest with
// knsim's emulated cluster and prints pods Ready per wall second next to
// KWOK's CI reference of 10,000 pods Running within 60 s (~167 pods/s).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	clusterbench "github.com/knsim/knsim/bench/cluster"
)

func main() {
	pods := flag.Int("pods", 10000, "total replicas")
	deployments := flag.Int("deployments", 1, "Deployments sharing the replicas")
	nodes := flag.Int("nodes", 0, "emulated nodes (default: enough at 110 pods each, at least 100)")
	mode := flag.String("mode", "virtual", "clock: virtual (engine + quiescence barrier) or wall")
	startup := flag.Duration("pod-startup", 0, "pod start-up time (default 1s virtual, 100ms wall)")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after this long")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	ctrllog.SetLogger(logr.Discard())
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "scale10k:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}

	res, err := clusterbench.Run(context.Background(), clusterbench.Config{
		Pods: *pods, Deployments: *deployments, Nodes: *nodes,
		Mode: clusterbench.Mode(*mode), PodStartup: *startup, Timeout: *timeout,
	})
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "scale10k:", err)
		os.Exit(1)
	}
	c := res.Config
	fmt.Printf("machine:   %d CPUs, GOMAXPROCS %d, %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("config:    %d pods in %d Deployment(s) on %d nodes x %d pods, %s clock, pod start-up %s\n",
		c.Pods, c.Deployments, c.Nodes, c.MaxPods, c.Mode, c.PodStartup)
	fmt.Printf("start-up:  %s (envtest, stack, nodes)\n", res.StartUp.Round(time.Millisecond))
	fmt.Printf("ready:     %d pods in %s of wall time (first after %s)\n", res.Ready, res.Elapsed.Round(time.Millisecond), res.FirstReady.Round(time.Millisecond))
	if res.Writes > 0 {
		fmt.Printf("writes:    %d (%.1f per pod)\n", res.Writes, float64(res.Writes)/float64(res.Ready))
	}
	fmt.Printf("rate:      %.0f pods/s\n", res.PodsPerSecond)
	fmt.Printf("vs KWOK:   %.2fx its 10k pods in 60 s (%.0f pods/s)\n", res.Ratio(), clusterbench.KWOKPodsPerSecond)
}
