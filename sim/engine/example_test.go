package engine_test

import (
	"fmt"
	"time"

	"github.com/knsim/knsim/sim/engine"
)

// An M/M/1 queue (arrivals at 0.5/s, service at 1/s) written directly on
// the engine: each event schedules the next, and the per-component random
// streams keep arrivals and service independent and reproducible.
func ExampleEngine() {
	e, err := engine.New(engine.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	arrivals, service := e.Rand("arrivals"), e.Rand("service")
	draw := func(rate float64, r interface{ ExpFloat64() float64 }) time.Duration {
		return time.Duration(r.ExpFloat64() / rate * float64(time.Second))
	}

	const customers = 200_000
	var (
		waiting  []time.Time // arrival times, FIFO
		busy     bool
		served   int
		sojourn  time.Duration
		arrive   func(time.Time)
		complete func(time.Time)
	)
	start := func(arrived time.Time) {
		busy = true
		e.After(draw(1, service), func(done time.Time) {
			sojourn += done.Sub(arrived)
			served++
			complete(done)
		})
	}
	complete = func(time.Time) {
		busy = false
		if len(waiting) > 0 {
			next := waiting[0]
			waiting = waiting[1:]
			start(next)
		}
	}
	arrived := 0
	arrive = func(now time.Time) {
		if arrived++; arrived < customers {
			e.After(draw(0.5, arrivals), arrive)
		}
		if busy {
			waiting = append(waiting, now)
			return
		}
		start(now)
	}
	e.After(draw(0.5, arrivals), arrive)
	e.Run()

	// Theory: mean time in system 1/(mu-lambda) = 2 s.
	fmt.Printf("served %d, mean time in system %.1f s\n", served, (sojourn / time.Duration(served)).Seconds())
	// Output: served 200000, mean time in system 2.0 s
}
