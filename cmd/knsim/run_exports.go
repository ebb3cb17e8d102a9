package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/knsim/knsim/sim/chrometrace"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/openmetrics"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
)

// exportOptions are `knsim run`'s flags for the metrics and trace files.
type exportOptions struct {
	metricsOut  string
	traceOut    string
	traceSample float64
}

func (o *exportOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.metricsOut, "metrics-out", "", "write the run's Prometheus series with their virtual timestamps as OpenMetrics text to this file (promtool tsdb create-blocks-from openmetrics reads it; virtual runs of one scenario; docs/metrics.md)")
	f.StringVar(&o.traceOut, "trace-out", "", "write a timeline of sampled requests and every pod's lifecycle as Chrome trace-event JSON to this file (Perfetto, chrome://tracing; virtual runs of one scenario)")
	f.Float64Var(&o.traceSample, "trace-sample", 0.01, "the share of requests --trace-out keeps, in (0, 1], drawn from the run's seed")
}

// validate refuses the files for several scenarios or a real-mode run,
// and a sampling rate out of range.
func (o exportOptions) validate(scs []*scenario.Scenario) error {
	if o.metricsOut == "" && o.traceOut == "" {
		return nil
	}
	if len(scs) != 1 {
		return fmt.Errorf("--metrics-out and --trace-out take one scenario file, got %d", len(scs))
	}
	if scs[0].Metadata.Mode == scenario.Real {
		return errors.New("--metrics-out and --trace-out need a virtual run: the scenario runs in real mode")
	}
	if o.traceOut != "" && !(o.traceSample > 0 && o.traceSample <= 1) {
		return fmt.Errorf("--trace-sample must be in (0, 1], got %g", o.traceSample)
	}
	return nil
}

// exports are a run's metrics and trace in the making.
type exports struct {
	o       exportOptions
	metrics *openmetrics.Export
	trace   *chrometrace.Trace
}

// attach hooks the exports the flags ask for into the run's options; seed
// is the run's seed (after --seed).
func (o exportOptions) attach(sc *scenario.Scenario, seed uint64, opts *runner.Options) (*exports, error) {
	x := &exports{o: o}
	var onReq []func(telemetry.Record)
	if o.metricsOut != "" {
		m, err := openmetrics.New(engine.DefaultStart, sc.Metadata.Duration.D())
		if err != nil {
			return nil, err
		}
		x.metrics = m
		onReq = append(onReq, m.OnRequest)
	}
	if o.traceOut != "" {
		t, err := chrometrace.New(engine.DefaultStart, seed, o.traceSample)
		if err != nil {
			return nil, err
		}
		x.trace = t
		onReq = append(onReq, t.OnRequest)
		opts.OnPodEvent = t.OnPodEvent
	}
	if len(onReq) > 0 {
		opts.OnRequest = func(r telemetry.Record) {
			for _, f := range onReq {
				f(r)
			}
		}
	}
	return x, nil
}

// write writes the files once the run has its results.
func (x *exports) write(res *results.Results) error {
	if x == nil {
		return nil
	}
	if x.metrics != nil {
		if err := writeFile(x.o.metricsOut, func(f *os.File) error { return x.metrics.Write(f, res) }); err != nil {
			return fmt.Errorf("--metrics-out: %w", err)
		}
	}
	if x.trace != nil {
		if err := writeFile(x.o.traceOut, func(f *os.File) error { return x.trace.Write(f) }); err != nil {
			return fmt.Errorf("--trace-out: %w", err)
		}
	}
	return nil
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}
