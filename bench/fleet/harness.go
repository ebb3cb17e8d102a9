package fleetbench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/knsim/knsim/sim/fleet"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// Config is one run.
type Config struct {
	// Functions is the fleet's size: one Knative Service per function.
	Functions int `json:"functions"`
	// Duration is the run's length in virtual time (at most 24h).
	Duration time.Duration `json:"duration"`
	// Seed seeds the fleet and the run.
	Seed uint64 `json:"seed"`
	// Start is the time of day the run starts at (default midnight).
	Start time.Duration `json:"start,omitempty"`
	// InvocationsPerFunction scales the fleet (0: the default, 60,000 a
	// day; it does not apply to the 20 shipped profiles).
	InvocationsPerFunction float64 `json:"invocationsPerFunction,omitempty"`
	// Dir is where the scenario is written ("" makes a temporary folder,
	// removed after the run).
	Dir string `json:"-"`
	// Progress, when set, is told how much virtual time has passed.
	Progress func(done, total time.Duration) `json:"-"`
}

// Result is one run's outcome.
type Result struct {
	Config
	// Services is the number of Knative Services the scenario deploys.
	Services int `json:"services"`
	// Invocations is the number of requests the run sent (its results'
	// requests.total); Errors how many of them failed.
	Invocations int `json:"invocations"`
	Errors      int `json:"errors"`
	// Passed is true when the scenario's expectations held.
	Passed bool `json:"passed"`
	// Setup is the time to generate, write and load the scenario; Wall the
	// time runner.Run took, which the rates use.
	Setup time.Duration `json:"setup"`
	Wall  time.Duration `json:"wall"`
	// MaxRSS is the peak resident set size of the process that ran it, in
	// bytes (0 when unknown); cmd/fleet measures it per run.
	MaxRSS int64 `json:"maxRSS,omitempty"`
}

// InvocationsPerSecond is the run's invocations per second of wall time.
func (r Result) InvocationsPerSecond() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Invocations) / r.Wall.Seconds()
}

// CostPerInvocation is the wall time per invocation.
func (r Result) CostPerInvocation() time.Duration {
	if r.Invocations == 0 {
		return 0
	}
	return r.Wall / time.Duration(r.Invocations)
}

// Prepared is a scenario written and loaded, ready to run once.
type Prepared struct {
	cfg      Config
	sc       *scenario.Scenario
	services int
	setup    time.Duration
	cleanup  func()
}

// Prepare generates the fleet, writes its scenario and loads it.
func Prepare(cfg Config) (*Prepared, error) {
	began := time.Now()
	f, err := fleet.Generate(fleet.Config{Functions: cfg.Functions, Seed: cfg.Seed, InvocationsPerFunction: cfg.InvocationsPerFunction, Sampled: true})
	if err != nil {
		return nil, err
	}
	dir, cleanup := cfg.Dir, func() {}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "knsim-fleet-"); err != nil {
			return nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	}
	path, err := f.WriteScenario(dir, fleet.ScenarioOptions{Name: fmt.Sprintf("fleet-%d", cfg.Functions), Duration: cfg.Duration, Start: cfg.Start})
	if err != nil {
		cleanup()
		return nil, err
	}
	sc, err := scenario.Load(path)
	if err != nil {
		cleanup()
		return nil, err
	}
	services := 0
	for _, m := range sc.Manifests {
		for _, o := range m.Objects {
			if o.GetKind() == "Service" && o.GetAPIVersion() == "serving.knative.dev/v1" {
				services++
			}
		}
	}
	return &Prepared{cfg: cfg, sc: sc, services: services, setup: time.Since(began), cleanup: cleanup}, nil
}

// Run runs the prepared scenario in virtual time on the memory control
// plane and removes a temporary folder. A Prepared runs once.
func (p *Prepared) Run(ctx context.Context) (Result, error) {
	if p.sc == nil {
		return Result{}, errors.New("fleetbench: a prepared scenario runs once")
	}
	defer p.cleanup()
	sc := p.sc
	p.sc = nil
	began := time.Now()
	res, err := runner.Run(ctx, sc, runner.Options{ControlPlane: scenario.Memory, Progress: p.cfg.Progress})
	wall := time.Since(began)
	if err != nil {
		return Result{}, fmt.Errorf("%d functions, %s: %w", p.cfg.Functions, p.cfg.Duration, err)
	}
	return Result{Config: p.cfg, Services: p.services, Invocations: res.Requests.Total, Errors: res.Requests.Errors,
		Passed: res.Passed, Setup: p.setup, Wall: wall}, nil
}

// Run prepares and runs one fleet.
func Run(ctx context.Context, cfg Config) (Result, error) {
	p, err := Prepare(cfg)
	if err != nil {
		return Result{}, err
	}
	return p.Run(ctx)
}
