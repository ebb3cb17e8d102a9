package enginebench_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	enginebench "github.com/knsim/knsim/bench/engine"
	"github.com/knsim/knsim/sim/engine"
)

// BenchmarkScheduleFire measures the steady-state cost of one event: each
// fired event schedules a replacement, keeping the queue at a fixed depth,
// so one op is one schedule plus one fire.
func BenchmarkScheduleFire(b *testing.B) {
	for _, depth := range []int{1, 1_000, 100_000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			e, err := engine.New(engine.Config{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			// Delays are drawn up front so the benchmark times the engine,
			// not the generator.
			r := rand.New(rand.NewPCG(1, 2))
			delays := make([]time.Duration, 4096)
			for i := range delays {
				delays[i] = time.Duration(r.ExpFloat64() * float64(time.Millisecond))
			}
			i := 0
			var fn func(time.Time)
			fn = func(time.Time) {
				i++
				e.After(delays[i&4095], fn)
			}
			for range depth {
				e.After(delays[r.IntN(4096)], fn)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				e.Step()
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkMM1 runs the M/M/1 model (rho = 0.8) that cmd/simpyratio
// compares against SimPy; one op is one customer.
func BenchmarkMM1(b *testing.B) {
	b.ReportAllocs()
	res, err := enginebench.RunMM1(1, max(b.N, 2), 0.8, 1.0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.Customers)/b.Elapsed().Seconds(), "customers/s")
	b.ReportMetric(float64(res.Events)/b.Elapsed().Seconds(), "events/s")
}

// TestMM1Sanity keeps the benchmark model honest: its mean sojourn must
// match 1/(mu-lambda) = 5 s at rho = 0.8 within a tolerance sized for the
// sample (standard error about 2% at 400k customers).
func TestMM1Sanity(t *testing.T) {
	res, err := enginebench.RunMM1(1, 400_000, 0.8, 1.0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Customers != 400_000 || res.Events != 800_000 {
		t.Errorf("served %d customers in %d events, want 400000 in 800000", res.Customers, res.Events)
	}
	if d := res.MeanSojourn/5 - 1; d > 0.08 || d < -0.08 {
		t.Errorf("mean sojourn %.3f s, want 5 s within 8%%", res.MeanSojourn)
	}
	if _, err := enginebench.RunMM1(1, 0, 1, 1); err == nil {
		t.Error("RunMM1 with 0 customers: no error")
	}
}
