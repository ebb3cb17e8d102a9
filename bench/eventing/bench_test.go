package eventingbench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	eventingbench "github.com/knsim/knsim/bench/eventing"
)

// BenchmarkBrokerEndToEnd sends b.N events (at least 2000, so that p99 is
// meaningful) through ingress -> trigger filter -> subscriber on loopback
// and reports throughput and latency percentiles.
func BenchmarkBrokerEndToEnd(b *testing.B) {
	for _, c := range []int{8, 32} {
		b.Run(fmt.Sprintf("producers=%d", c), func(b *testing.B) {
			n := max(b.N, 2000)
			b.ReportAllocs()
			b.ResetTimer()
			res, err := eventingbench.Run(context.Background(), eventingbench.Config{
				Events: n, Concurrency: c, PayloadBytes: 128, ExtraTriggers: 3,
			})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(res.EventsPerSecond, "events/s")
			b.ReportMetric(float64(res.P99)/float64(time.Millisecond), "p99-ms")
			b.ReportMetric(float64(res.P50)/float64(time.Millisecond), "p50-ms")
			b.ReportMetric(float64(res.IngressP99)/float64(time.Millisecond), "ingress-p99-ms")
			b.ReportMetric(res.Ratio(), "x-knative")
			b.ReportMetric(float64(res.CPUPerEvent)/float64(time.Microsecond), "cpu-µs/event")
			b.ReportMetric(res.AllocsPerEvent, "allocs/event")
		})
	}
}

// TestRunSmall checks the harness end to end on a few events, with each
// peer stack.
func TestRunSmall(t *testing.T) {
	for _, peers := range []eventingbench.Peers{eventingbench.FastHTTP, eventingbench.NetHTTP} {
		t.Run(string(peers), func(t *testing.T) {
			res, err := eventingbench.Run(context.Background(), eventingbench.Config{Events: 200, Concurrency: 4, ExtraTriggers: 2, Peers: peers})
			if err != nil {
				t.Fatal(err)
			}
			c := res.Counters
			if c.Accepted != 200 || c.Delivered != 200 || c.FilteredOut != 400 || c.Lost != 0 {
				t.Errorf("counters = %+v", c)
			}
			t.Log(res)
		})
	}
	if _, err := eventingbench.Run(context.Background(), eventingbench.Config{Events: 1, Concurrency: 1, H2C: true, Peers: eventingbench.FastHTTP}); err == nil {
		t.Error("fasthttp peers with h2c: no error")
	}
}
