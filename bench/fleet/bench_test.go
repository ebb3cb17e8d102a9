package fleetbench_test

import (
	"context"
	"fmt"
	"github.com/knsim/knsim/sim/expect"
	"testing"
	"time"

	fleetbench "github.com/knsim/knsim/bench/fleet"
)

// BenchmarkFleet runs 10 virtual minutes (from midnight) of fleets of 20
// and 50 Services on the memory control plane; one op is one run, and
// invocations/s is the run's invocations per second of wall time (the
// setup, generating, writing and loading the scenario, is not timed).
// cmd/fleet runs longer days and larger fleets.
func BenchmarkFleet(b *testing.B) {
	const d = 10 * time.Minute
	for _, n := range []int{20, 50} {
		b.Run(fmt.Sprintf("N=%d/%s", n, expect.FormatDuration(d)), func(b *testing.B) {
			invocations := 0
			var wall time.Duration
			for range b.N {
				b.StopTimer()
				p, err := fleetbench.Prepare(fleetbench.Config{Functions: n, Duration: d, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := p.Run(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				invocations += res.Invocations
				wall += res.Wall
			}
			b.ReportMetric(float64(invocations)/wall.Seconds(), "invocations/s")
			b.ReportMetric(float64(invocations)/float64(b.N), "invocations/op")
		})
	}
}
