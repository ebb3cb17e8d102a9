package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

func main() {
	ctrllog.SetLogger(logr.Discard()) // the controller-runtime client's; knsim up logs on its own
	cfg := Config{Log: os.Stderr}
	dir := flag.String("dir", os.TempDir(), "folder for the run's state folder, kubeconfig and logs (a durablekill-* folder is made in it)")
	flag.StringVar(&cfg.Knsim, "knsim", "knsim", "the knsim binary")
	flag.IntVar(&cfg.Events, "events", 100000, "events to send")
	flag.IntVar(&cfg.KillAfter, "kill-after", 0, "events accepted before the SIGKILL (default half of -events)")
	flag.IntVar(&cfg.Producers, "producers", 8, "concurrent producers")
	flag.Float64Var(&cfg.ErrorRate, "error-rate", 0.3, "share of attempts the subscriber fails with 503")
	flag.IntVar(&cfg.Retry, "retry", 3, "the Subscription's delivery.retry")
	flag.DurationVar(&cfg.Timeout, "timeout", 0, "bound on the whole run (default 10m)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	work, err := workDir(*dir)
	if err == nil {
		cfg.Dir = work
		var c Counts
		if c, err = Run(ctx, cfg); err == nil {
			fmt.Fprintln(os.Stderr, c)
			b, _ := json.Marshal(c)
			fmt.Println(string(b))
			if c.Lost > 0 {
				err = fmt.Errorf("%d events lost on the durable channel", c.Lost)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "durablekill:", err)
		os.Exit(1)
	}
}
