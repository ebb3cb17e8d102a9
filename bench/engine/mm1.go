package enginebench

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/knsim/knsim/sim/engine"
)

// SimPyScript is mm1_simpy.py, embedded so cmd/simpyratio works from any
// working directory.
//
//go:embed mm1_simpy.py
var SimPyScript string

// MM1Result summarises one M/M/1 run.
type MM1Result struct {
	Customers   int           // customers served
	Events      uint64        // engine events fired
	MeanSojourn float64       // seconds of virtual time, arrival to departure
	Elapsed     time.Duration // wall-clock time of the simulation loop
}

// CustomersPerSecond is the simulation speed in customers per wall-clock
// second.
func (r MM1Result) CustomersPerSecond() float64 {
	return float64(r.Customers) / r.Elapsed.Seconds()
}

// mm1 is a FIFO single-server queue modelled with two events per customer
// (arrival, departure), the same model mm1_simpy.py expresses with processes.
type mm1 struct {
	e            *engine.Engine
	arr, svc     *rand.Rand
	lambda, mu   float64
	customers    int
	arrived      int
	served       int
	busy         bool
	queue        []time.Time
	head         int
	sumSojourn   float64
	arrive, done func(time.Time)
}

// RunMM1 simulates customers arrivals at rate lambda to one server of rate
// mu (both per second) and times the event loop.
func RunMM1(seed uint64, customers int, lambda, mu float64) (MM1Result, error) {
	if customers <= 0 || lambda <= 0 || mu <= 0 {
		return MM1Result{}, fmt.Errorf("enginebench: need customers, lambda, mu > 0; got %d, %v, %v", customers, lambda, mu)
	}
	e, err := engine.New(engine.Config{Seed: seed})
	if err != nil {
		return MM1Result{}, err
	}
	m := &mm1{e: e, arr: e.Rand("arrivals"), svc: e.Rand("service"), lambda: lambda, mu: mu, customers: customers}
	m.arrive, m.done = m.onArrive, m.onDone // bound once: no per-event closure
	start := time.Now()
	e.After(m.exp(m.arr, lambda), m.arrive)
	e.Run()
	elapsed := time.Since(start)
	return MM1Result{
		Customers:   m.served,
		Events:      e.Fired(),
		MeanSojourn: m.sumSojourn / float64(m.served),
		Elapsed:     elapsed,
	}, nil
}

func (m *mm1) exp(r *rand.Rand, rate float64) time.Duration {
	return time.Duration(r.ExpFloat64() / rate * 1e9)
}

func (m *mm1) onArrive(now time.Time) {
	m.arrived++
	if m.arrived < m.customers {
		m.e.After(m.exp(m.arr, m.lambda), m.arrive)
	}
	m.queue = append(m.queue, now)
	if !m.busy {
		m.busy = true
		m.e.After(m.exp(m.svc, m.mu), m.done)
	}
}

func (m *mm1) onDone(now time.Time) {
	m.sumSojourn += now.Sub(m.queue[m.head]).Seconds()
	m.served++
	m.head++
	if m.head > 4096 && m.head*2 > len(m.queue) { // compact the FIFO in place
		m.queue = m.queue[:copy(m.queue, m.queue[m.head:])]
		m.head = 0
	}
	if m.head == len(m.queue) {
		m.busy = false
		return
	}
	m.e.After(m.exp(m.svc, m.mu), m.done)
}
