// Command envtestspeed measures the envtest control plane apart from its
// start-up: the wall time of a scenario run (hey-burst by default: 2
// virtual minutes) and of 100 Knative Services applied at once until all
// are Ready, each next to its target (1 s and 5 s on a 2-core machine),
// with the CPU time knsim and its kube-apiserver and etcd used meanwhile.
//
//	go run ./bench/controlplane/cmd/envtestspeed            # both, once
//	go run ./bench/controlplane/cmd/envtestspeed -runs 3    # best and worst of 3
//	go run ./bench/controlplane/cmd/envtestspeed -services 0 -scenario scenarios/pod-kill.yaml
//	go run ./bench/controlplane/cmd/envtestspeed -scenario none -apiserverprofile api.pprof -requests 15
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	controlplanebench "github.com/knsim/knsim/bench/controlplane"
)

func main() {
	file := flag.String("scenario", "", "scenario file to run (default "+controlplanebench.DefaultScenario+"); \"none\" skips it")
	services := flag.Int("services", 100, "Knative Services to apply at once (0 skips)")
	runs := flag.Int("runs", 1, "repeat each measurement this many times, each with its own envtest")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of knsim's process to this file")
	apiprofile := flag.String("apiserverprofile", "", "write a CPU profile of kube-apiserver over the Services' first -profilefor to this file (last run's)")
	profileFor := flag.Duration("profilefor", 10*time.Second, "how long -apiserverprofile profiles")
	requests := flag.Int("requests", 0, "print kube-apiserver's this many most frequent answers during the Services' measurement")
	flag.Parse()
	ctrllog.SetLogger(logr.Discard())
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	fmt.Printf("machine:   %d CPUs, GOMAXPROCS %d, %s; load average %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAverage())

	if *file != "none" {
		var walls []time.Duration
		for range *runs {
			res, err := controlplanebench.Scenario(ctx, controlplanebench.ScenarioConfig{File: *file})
			if err != nil {
				fail(err)
			}
			fmt.Printf("scenario:  %s\n", res)
			if !res.Passed {
				fmt.Println("           (an expectation failed)")
			}
			walls = append(walls, res.Run)
		}
		summary("run", walls, controlplanebench.RunTarget)
	}
	if *services > 0 {
		var walls []time.Duration
		for range *runs {
			cfg := controlplanebench.ServicesConfig{Services: *services, ProfileFor: *profileFor, CountRequests: *requests > 0}
			if *apiprofile != "" {
				f, err := os.Create(*apiprofile)
				if err != nil {
					fail(err)
				}
				defer f.Close()
				cfg.APIServerProfile = f
			}
			res, err := controlplanebench.Services(ctx, cfg)
			if err != nil {
				fail(err)
			}
			fmt.Printf("services:  %s\n", res)
			for _, line := range res.Requests.Top(*requests) {
				fmt.Printf("           %s\n", line)
			}
			walls = append(walls, res.Elapsed)
		}
		summary(fmt.Sprintf("%d Services Ready", *services), walls, controlplanebench.ServicesTarget)
	}
	fmt.Printf("load average %s\n", loadAverage())
}

// summary prints the best and worst of walls against target.
func summary(what string, walls []time.Duration, target time.Duration) {
	best, worst := slices.Min(walls), slices.Max(walls)
	verdict := "within"
	if best > target {
		verdict = "over"
	}
	fmt.Printf("=> %s: best %s, worst %s of %d; target %s: %s\n", what, best.Round(time.Millisecond), worst.Round(time.Millisecond), len(walls), target, verdict)
}

// loadAverage is /proc/loadavg's first three fields, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	var a, b5, c string
	if _, err := fmt.Sscan(string(b), &a, &b5, &c); err != nil {
		return "?"
	}
	return a + " " + b5 + " " + c
}

func fail(err error) {
	pprof.StopCPUProfile()
	fmt.Fprintln(os.Stderr, "envtestspeed:", err)
	os.Exit(1)
}
