package controlplanebench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/world"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Targets of the envtest control plane on a 2-core machine.
const (
	// RunTarget bounds hey-burst's 2 virtual minutes after start-up.
	RunTarget = time.Second
	// ServicesTarget bounds 100 Services applied at once until all are Ready.
	ServicesTarget = 5 * time.Second
)

// DefaultScenario is the scenario Scenario runs by default, relative to
// the module's root.
const DefaultScenario = "scenarios/hey-burst.yaml"

// ScenarioConfig shapes a scenario run.
type ScenarioConfig struct {
	// File is the scenario (default DefaultScenario under the module root,
	// found from the working directory up).
	File string
	// ControlPlane overrides the scenario's (default: as the file says).
	ControlPlane scenario.ControlPlane
	// AssetsDir holds the envtest binaries (default controlplane.AssetsDir()).
	AssetsDir string
}

// ScenarioResult is where a scenario run's wall time went.
type ScenarioResult struct {
	Name         string
	ControlPlane string
	// Virtual is the scenario's duration in virtual time.
	Virtual time.Duration
	// Requests is the number of requests the run served.
	Requests int
	// Passed says whether every expectation held.
	Passed bool
	// StartUp is the control plane's start-up: etcd, kube-apiserver, CRDs,
	// webhooks, the manager with its caches and controllers.
	StartUp time.Duration
	// Run is the wall time from started to done: applying the manifests and
	// every virtual instant.
	Run time.Duration
	// Stop is the wall time of shutting the control plane down.
	Stop time.Duration
	// CPU is what the processes used during Run.
	CPU CPU
}

func (r ScenarioResult) String() string {
	return fmt.Sprintf("%s (%s): %s virtual in %s of wall time after a start-up of %s (stop %s); %d requests; %s",
		r.Name, r.ControlPlane, r.Virtual, r.Run.Round(time.Millisecond), r.StartUp.Round(time.Millisecond),
		r.Stop.Round(time.Millisecond), r.Requests, r.CPU)
}

// Scenario runs a scenario file as `knsim run` does and splits its wall
// time into start-up, run and stop.
func Scenario(ctx context.Context, cfg ScenarioConfig) (ScenarioResult, error) {
	file := cfg.File
	if file == "" {
		root, err := moduleRoot()
		if err != nil {
			return ScenarioResult{}, err
		}
		file = filepath.Join(root, DefaultScenario)
	}
	sc, err := scenario.Load(file)
	if err != nil {
		return ScenarioResult{}, err
	}
	var began, ended CPU
	t := &runner.Timing{Started: func() { began = cpuNow() }, Stopping: func() { ended = cpuNow() }}
	start := time.Now()
	res, err := runner.Run(runner.WithTiming(ctx, t), sc, runner.Options{ControlPlane: cfg.ControlPlane, AssetsDir: cfg.AssetsDir})
	if err != nil {
		return ScenarioResult{}, err
	}
	wall := time.Since(start)
	return ScenarioResult{
		Name:         res.Scenario.Name,
		ControlPlane: res.Scenario.ControlPlane,
		Virtual:      time.Duration(float64(res.Scenario.Duration) * float64(time.Second)),
		Requests:     res.Requests.Total,
		Passed:       res.Passed,
		StartUp:      t.StartUp,
		Run:          wall - t.StartUp - t.Stop,
		Stop:         t.Stop,
		CPU:          ended.sub(began),
	}, nil
}

// moduleRoot is the nearest folder from the working directory up that
// holds a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("controlplanebench: no go.mod above the working directory; name the scenario file")
		}
		dir = parent
	}
}

// ServicesConfig shapes a Services run.
type ServicesConfig struct {
	// Services is the number of Knative Services applied (default 100).
	Services int
	// Step is how far virtual time moves between two looks at the
	// Services' readiness (default 100 ms).
	Step time.Duration
	// Timeout bounds the wait for readiness in wall time (default 5 min).
	Timeout time.Duration
	// AssetsDir holds the envtest binaries (default controlplane.AssetsDir()).
	AssetsDir string
	// APIServerProfile, when set, receives a CPU profile of kube-apiserver
	// over the first ProfileFor of the measurement (default 10 s).
	APIServerProfile io.Writer
	// ProfileFor is how long APIServerProfile profiles.
	ProfileFor time.Duration
	// CountRequests has ServicesResult.Requests filled in.
	CountRequests bool
}

// ServicesResult is how long Services took to become Ready.
type ServicesResult struct {
	Config ServicesConfig
	// Ready is the number of Services that became Ready.
	Ready int
	// StartUp is the control plane's start-up (as ScenarioResult's).
	StartUp time.Duration
	// Apply is the wall time of creating the Services.
	Apply time.Duration
	// Elapsed is the wall time from the first create to every Service
	// Ready.
	Elapsed time.Duration
	// Virtual is the virtual time that passed until then (pods' image
	// pulls, starts and readiness).
	Virtual time.Duration
	// Writes counts the control plane's writes until then.
	Writes uint64
	// Requests counts kube-apiserver's answers until then, when
	// ServicesConfig.CountRequests asks for them.
	Requests Requests
	// CPU is what the processes used during Elapsed.
	CPU CPU
}

func (r ServicesResult) String() string {
	return fmt.Sprintf("%d of %d Services Ready in %s of wall time (%s of it creating them; %s virtual; %d writes) after a start-up of %s; %s",
		r.Ready, r.Config.Services, r.Elapsed.Round(time.Millisecond), r.Apply.Round(time.Millisecond), r.Virtual,
		r.Writes, r.StartUp.Round(time.Millisecond), r.CPU)
}

// Services starts the envtest control plane in virtual time, creates
// cfg.Services Knative Services at once and steps virtual time until every
// one is Ready.
func Services(ctx context.Context, cfg ServicesConfig) (ServicesResult, error) {
	if cfg.Services == 0 {
		cfg.Services = 100
	}
	if cfg.Step == 0 {
		cfg.Step = 100 * time.Millisecond
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Minute
	}
	res := ServicesResult{Config: cfg}
	eng, err := engine.New(engine.Config{Seed: 1})
	if err != nil {
		return res, err
	}
	start := time.Now()
	w, err := world.Start(ctx, world.Config{Engine: eng, AssetsDir: cfg.AssetsDir})
	if err != nil {
		return res, err
	}
	defer w.Stop()
	res.StartUp = time.Since(start)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	profiled := make(chan error, 1)
	if cfg.APIServerProfile != nil {
		if cfg.ProfileFor == 0 {
			cfg.ProfileFor = 10 * time.Second
		}
		go func() { profiled <- profileAPIServer(ctx, w.ControlPlane.Config, cfg.ProfileFor, cfg.APIServerProfile) }()
	} else {
		profiled <- nil
	}
	var requests Requests
	if cfg.CountRequests {
		if requests, err = requestCounts(ctx, w.ControlPlane.Config); err != nil {
			return res, err
		}
	}
	began, writes, virtual := cpuNow(), w.Writes(), w.Now()
	start = time.Now()
	// At once: several creates in flight, as parallel `kubectl apply`s
	// (or a GitOps controller) send them.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(createsInFlight)
	for i := range cfg.Services {
		g.Go(func() error { return w.Client.Create(gctx, Service(fmt.Sprintf("hello-%03d", i))) })
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	res.Apply = time.Since(start)
	seen := uint64(0)
	for {
		if err := w.RunFor(ctx, cfg.Step); err != nil {
			return res, fmt.Errorf("%d of %d Services Ready: %w", res.Ready, cfg.Services, err)
		}
		if n := w.Writes(); n != seen {
			seen = n
			if res.Ready, err = ready(ctx, w.Client); err != nil {
				return res, err
			}
			if res.Ready >= cfg.Services {
				break
			}
		}
	}
	res.Elapsed = time.Since(start)
	res.CPU = cpuNow().sub(began)
	res.Writes = w.Writes() - writes
	res.Virtual = w.Now().Sub(virtual)
	if cfg.CountRequests {
		after, err := requestCounts(ctx, w.ControlPlane.Config)
		if err != nil {
			return res, err
		}
		res.Requests = after.sub(requests)
	}
	if err := <-profiled; err != nil {
		return res, fmt.Errorf("profiling kube-apiserver: %w", err)
	}
	return res, nil
}

// createsInFlight is how many of the Services' creates are sent at once.
const createsInFlight = 8

// Service is a hello-world Knative Service named name in default.
func Service(name string) *servingv1.Service {
	svc := &servingv1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}}
	svc.Spec.Template.Spec.Containers = []corev1.Container{{
		Image: "gcr.io/knative-samples/helloworld-go",
		Env:   []corev1.EnvVar{{Name: "TARGET", Value: name}},
	}}
	return svc
}

// ready counts the Ready Services in default.
func ready(ctx context.Context, c client.Reader) (int, error) {
	var list servingv1.ServiceList
	if err := c.List(ctx, &list, client.InNamespace("default")); err != nil {
		return 0, err
	}
	n := 0
	for i := range list.Items {
		if list.Items[i].Status.IsReady() {
			n++
		}
	}
	return n, nil
}
