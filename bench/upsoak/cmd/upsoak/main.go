// Command upsoak soaks `knsim up`: it builds knsim (or takes -knsim),
// starts `knsim up` as a child, applies a Service, a Broker and a
// Trigger, drives HTTP requests and CloudEvents for -duration, and prints
// the child's resident size and goroutines before, during and after the
// load. It exits 1 when goroutines do not come back near their level
// before the load, the resident size keeps growing, or requests fail.
//
//	go run ./bench/upsoak/cmd/upsoak -duration 5m
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/knsim/knsim/bench/upsoak"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "upsoak:", err)
		os.Exit(1)
	}
}

func run() error {
	o := upsoak.Options{Log: os.Stderr}
	knsim := flag.String("knsim", "", "knsim binary (default: go build ./cmd/knsim into the work folder)")
	keep := flag.Bool("keep", false, "keep the work folder (kubeconfig, knsim's log)")
	flag.DurationVar(&o.Load, "duration", 5*time.Minute, "how long the load lasts")
	flag.DurationVar(&o.Before, "before", 30*time.Second, "idle time sampled before the load")
	flag.DurationVar(&o.After, "after", 4*time.Minute, "longest wait for goroutines to come back after the load (knsim's clients keep idle connections 90 s)")
	flag.DurationVar(&o.Every, "every", 10*time.Second, "sampling period")
	flag.IntVar(&o.RPS, "rps", 100, "HTTP requests a second through the gateway")
	flag.IntVar(&o.Workers, "c", 50, "HTTP workers (each waits for its answer: at most c/service-time requests a second)")
	flag.IntVar(&o.EventRate, "events", 50, "CloudEvents a second into the broker")
	flag.IntVar(&o.EventWorkers, "event-workers", 5, "event workers")
	flag.DurationVar(&o.ServiceTime, "service-time", 200*time.Millisecond, "knsim up's --service-time: at 100 requests and 50 events a second, 30 in flight, 3 pods at the Service's target of 10")
	flag.StringVar(&o.GC, "gc-memory-limit", "default", "knsim up's --gc-memory-limit; default (GOGC=100) lets a leak show in the resident size")
	flag.IntVar(&o.Limits.GoroutineSlack, "goroutine-slack", 0, "goroutines after the load may exceed those before by this many (0: 10%, at least 20)")
	flag.Float64Var(&o.Limits.RSSGrowth, "rss-growth", 1.25, "the load's last third may peak at most this factor above its middle third")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	dir, err := os.MkdirTemp("", "knsim-upsoak-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "work folder:", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	o.Dir = dir
	o.Knsim = *knsim
	if o.Knsim == "" {
		o.Knsim = filepath.Join(dir, "knsim")
		fmt.Fprintln(os.Stderr, "building knsim...")
		build := exec.Command("go", "build", "-o", o.Knsim, "github.com/knsim/knsim/cmd/knsim")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building knsim: %w", err)
		}
	}
	ctrllog.SetLogger(logr.Discard()) // the client's warnings would interleave with the samples
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	samples, err := upsoak.Run(ctx, o)
	if len(samples) > 0 {
		fmt.Println()
		if werr := upsoak.WriteTable(os.Stdout, samples); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	v, err := upsoak.Judge(samples, o.Limits)
	if err != nil {
		return err
	}
	fmt.Printf("\ngoroutines: %d before, %d at the peak, %d after\n", v.GoroutinesBefore, v.GoroutinesPeak, v.GoroutinesAfter)
	fmt.Printf("RSS: %.1f MiB before, peaks %.1f MiB (middle third of the load) and %.1f MiB (last third), %.1f MiB after\n",
		mib(v.RSSBefore), mib(v.RSSMiddle), mib(v.RSSLate), mib(v.RSSAfter))
	if len(v.Failures) > 0 {
		for _, f := range v.Failures {
			fmt.Println("FAIL:", f)
		}
		return fmt.Errorf("%d check(s) failed", len(v.Failures))
	}
	fmt.Println("PASS")
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
