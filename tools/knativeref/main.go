// Command knativeref replays a per-second metric trace through Knative
// Serving's own KPA decider (knative.dev/serving/pkg/autoscaler/scaling) and
// metric collector (pkg/autoscaler/metrics, pkg/autoscaler/aggregation) and
// prints one CSV row per 2 s tick in the format of `knsim autoscaler replay`:
//
//	time,desired,stable,panic,panic_mode,ebc
//
// It is the reference side of knsim's autoscaler conformance check: the
// outputs it writes are compared tick by tick with knsim's replay (see
// docs/autoscaler.md). It lives in its own Go module so that knsim's module
// does not depend on knative.dev/serving.
//
// Usage:
//
//	knativeref --trace trace.csv [--config config-autoscaler.yaml]
//	    [--annotations annotations.yaml] [--annotation KEY=VALUE ...]
//	    [--CONFIG-KEY VALUE ...] [--container-concurrency N]
//	    [--reachable=false] [--until SECONDS] [--out FILE]
//	knativeref --gen-traces DIR   # write the conformance cases' traces and settings
//	knativeref --cases DIR        # write DIR/*/knative.csv from each case
//
// A case is a directory with trace.csv and optionally config-autoscaler.yaml,
// annotations.yaml and flags (one flag a line: --container-concurrency,
// --reachable, --until, --annotation, or a config-autoscaler key such as
// --max-scale-up-rate=1.5; the same flags as `knsim autoscaler replay`).
//
// The Knative version is the knative.dev/serving requirement in go.mod.
// The replay follows knsim's conventions: the first row's second is s0; each
// row is recorded at its second as one scraped stat; the decider is created
// at s0 and decides at s0+2, s0+4, ... after that second's row was recorded.
// Ready pods are the ready_pods column (latest row at or before the tick)
// or, without it, the desired count of the previous valid decision, starting
// from the initial scale.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var o options
	flag.StringVar(&o.trace, "trace", "", "trace CSV: second,concurrency[,rps][,ready_pods] (required)")
	flag.StringVar(&o.config, "config", "", "config-autoscaler: a ConfigMap manifest or a flat key: value map")
	flag.StringVar(&o.annotations, "annotations", "", "revision annotations: a flat key: value map")
	o.addFlags(flag.CommandLine)
	flag.StringVar(&o.out, "out", "", "write the CSV here instead of stdout")
	gen := flag.String("gen-traces", "", "write the conformance cases (traces and settings) under this directory")
	cases := flag.String("cases", "", "write knative.csv in every case directory under this directory")
	flag.Parse()
	var err error
	switch {
	case flag.NArg() > 0:
		flag.Usage()
		os.Exit(2)
	case *gen != "":
		err = genTraces(*gen)
	case *cases != "":
		err = runCases(*cases)
	case o.trace == "":
		flag.Usage()
		os.Exit(2)
	default:
		err = o.run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "knativeref:", err)
		os.Exit(1)
	}
}
