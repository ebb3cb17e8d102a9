package dataplanebench_test

import (
	"context"
	"flag"
	"testing"
	"time"

	dataplanebench "github.com/knsim/knsim/bench/dataplane"
	"github.com/knsim/knsim/sim/gcpolicy"
)

var (
	duration = flag.Duration("dataplane.duration", 3*time.Second, "measured time per path")
	gc       = flag.String("dataplane.gc", "1Gi", `collector setting: a memory limit such as 1Gi, or "default"`)
)

// BenchmarkOverhead measures the three paths once (about 4 s each at the
// default -dataplane.duration, whatever b.N) and reports each path's p99
// and its latency added over direct; run it with -benchtime=1x.
func BenchmarkOverhead(b *testing.B) {
	policy, err := gcpolicy.Parse(*gc)
	if err != nil {
		b.Fatal(err)
	}
	res, err := dataplanebench.Run(context.Background(), dataplanebench.Options{Duration: *duration, GC: policy})
	if err != nil {
		b.Fatal(err)
	}
	b.Log("\n" + res.Table())
	msf := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	names := map[dataplanebench.Path]string{
		dataplanebench.Direct: "direct", dataplanebench.Gateway: "gw-qp", dataplanebench.Activator: "gw-act-qp",
	}
	for _, m := range res.Measurements {
		n := names[m.Path]
		b.ReportMetric(msf(m.P50), n+"-p50-ms")
		b.ReportMetric(msf(m.P99), n+"-p99-ms")
		if m.Path != dataplanebench.Direct {
			b.ReportMetric(msf(res.AddedP50(m.Path)), n+"-added-p50-ms")
			b.ReportMetric(msf(res.AddedP99(m.Path)), n+"-added-p99-ms")
			b.ReportMetric(res.ThroughputRatio(m.Path), n+"-rps-ratio")
		}
	}
}

// TestRunSmall checks the harness end to end at a low rate.
func TestRunSmall(t *testing.T) {
	res, err := dataplanebench.Run(context.Background(), dataplanebench.Options{
		RPS: 200, Concurrency: 10, Duration: 300 * time.Millisecond, Warmup: 50 * time.Millisecond, ServiceTime: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Table())
	for _, m := range res.Measurements {
		if m.Requests != 60 || m.Errors != 0 || m.Non200 != 0 || m.P50 < time.Millisecond {
			t.Errorf("%s: %+v", m.Path, m)
		}
	}
}
