package dataplanebench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"time"

	"k8s.io/utils/clock"

	"github.com/knsim/knsim/sim/gcpolicy"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/shell/servingshell"
)

// Path names one way to the user container.
type Path string

// The measured paths, in the order Run measures them.
const (
	Direct    Path = "direct"
	Gateway   Path = "gateway>queue-proxy"
	Activator Path = "gateway>activator>queue-proxy"
)

// Paths lists every path, the baseline first.
var Paths = []Path{Direct, Gateway, Activator}

// Options configures Run; zero fields take the defaults in brackets.
type Options struct {
	// RPS is the total request rate [1000].
	RPS int
	// Concurrency is hey's number of workers [20]; each sends RPS/C a
	// second, so Concurrency x (1 s / (RPS/C)) must exceed ServiceTime.
	Concurrency int
	// Duration is the measured time per path and round [3s].
	Duration time.Duration
	// Warmup is sent to each path before it is measured, unrecorded [500ms].
	Warmup time.Duration
	// Rounds repeats the three paths in turn, merging the samples [1].
	Rounds int
	// ServiceTime is the user container's fixed latency [10ms].
	ServiceTime time.Duration
	// Burst runs the workers as one hey Work, as the hey command does:
	// their tickers fire together, so requests come in bursts of
	// Concurrency. By default the workers start 1/RPS apart and requests
	// arrive evenly, like the constant rate of Knative's dataplane-probe.
	Burst bool
	// GC is the collector setting for the run; the zero Policy is Go's
	// default. Run applies it to the whole process and restores it after.
	GC gcpolicy.Policy
}

func (o *Options) defaults() error {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.RPS, 1000)
	def(&o.Concurrency, 20)
	def(&o.Rounds, 1)
	if o.Duration == 0 {
		o.Duration = 3 * time.Second
	}
	if o.Warmup == 0 {
		o.Warmup = 500 * time.Millisecond
	}
	if o.ServiceTime == 0 {
		o.ServiceTime = 10 * time.Millisecond
	}
	if o.RPS < 0 || o.Concurrency < 1 || o.Rounds < 1 || o.Duration < 0 || o.Warmup < 0 || o.ServiceTime < 0 {
		return errors.New("dataplanebench: negative option")
	}
	if o.Concurrency > o.RPS {
		return fmt.Errorf("dataplanebench: %d workers cannot share %d requests a second", o.Concurrency, o.RPS)
	}
	return nil
}

// Run measures every path in one process and returns the results, the
// baseline first.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	restoreGC, gc := gcpolicy.Apply(opts.GC)
	defer restoreGC()
	st := opts.ServiceTime
	work := container.Workload{ServiceTime: func(*rand.Rand) time.Duration { return st }}

	c, err := servingshell.NewContainer(clock.RealClock{}, work, "", rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		return nil, err
	}
	direct := httptest.NewServer(c)
	defer direct.Close()
	p, err := servingshell.New(servingshell.Config{DefaultWorkload: work, Seed: 1})
	if err != nil {
		return nil, err
	}
	if err := p.Start(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = p.Close() }()
	if err := p.Sync(ctx, snapshot()); err != nil {
		return nil, err
	}

	targets := map[Path]target{
		Direct:    {url: direct.URL},
		Gateway:   {url: "http://" + p.Addr(), host: serveHost},
		Activator: {url: "http://" + p.Addr(), host: proxyHost},
	}
	for _, path := range Paths {
		if err := probe(targets[path]); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	res := &Result{Options: opts, GC: gc, Measurements: make([]Measurement, len(Paths))}
	for i, path := range Paths {
		res.Measurements[i].Path = path
	}
	for range opts.Rounds {
		for i, path := range Paths {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if opts.Warmup > 0 {
				if _, err := load(targets[path], opts, opts.Warmup); err != nil {
					return nil, fmt.Errorf("%s warm-up: %w", path, err)
				}
			}
			s, err := load(targets[path], opts, opts.Duration)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			res.Measurements[i].add(s)
		}
	}
	for i := range res.Measurements {
		res.Measurements[i].summarize()
	}
	return res, nil
}

// target is where hey sends a path's requests.
type target struct {
	url, host string
}

// probe checks that a target answers 200 before it is loaded.
func probe(t target) error {
	req, err := http.NewRequest(http.MethodGet, t.url, nil)
	if err != nil {
		return err
	}
	req.Host = t.host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe: status %d", resp.StatusCode)
	}
	return nil
}
