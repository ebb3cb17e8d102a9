package clusterbench

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/world"
)

// KWOKPodsPerSecond is the baseline of Ratio: KWOK's CI expects 10,000 pods
// Running within 60 s.
const KWOKPodsPerSecond = 10000.0 / 60

// Mode is the clock the run uses.
type Mode string

const (
	// Virtual runs on the discrete-event engine's clock: the run advances
	// virtual time past the pods' start-up only when the control plane is
	// quiescent (sim/barrier), so the wall time is all API work.
	Virtual Mode = "virtual"
	// Wall runs on the wall clock, as `knsim up` does.
	Wall Mode = "wall"
)

// Config shapes one run. Zero fields take the defaults noted.
type Config struct {
	// Pods is the total number of replicas (default 10,000).
	Pods int
	// Deployments share Pods between them (default 1).
	Deployments int
	// Nodes is the number of emulated nodes (default enough for Pods at
	// MaxPods each, at least 100).
	Nodes int
	// MaxPods is each node's pod capacity (default 110, the kubelet's).
	MaxPods int
	// Mode is Virtual (default) or Wall.
	Mode Mode
	// PodStartup is each pod's start-up time (default 1 s virtual, 100 ms
	// on the wall clock).
	PodStartup time.Duration
	// Timeout bounds the wait for the pods (default 10 min).
	Timeout time.Duration
	// AssetsDir holds the envtest binaries (default controlplane.AssetsDir()).
	AssetsDir string
}

func (c *Config) defaults() error {
	if c.Pods == 0 {
		c.Pods = 10000
	}
	if c.Deployments == 0 {
		c.Deployments = 1
	}
	if c.MaxPods == 0 {
		c.MaxPods = cluster.DefaultMaxPods
	}
	if c.Nodes == 0 {
		c.Nodes = max(100, (c.Pods+c.MaxPods-1)/c.MaxPods)
	}
	if c.Mode == "" {
		c.Mode = Virtual
	}
	if c.PodStartup == 0 {
		c.PodStartup = time.Second
		if c.Mode == Wall {
			c.PodStartup = 100 * time.Millisecond
		}
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Minute
	}
	switch {
	case c.Mode != Virtual && c.Mode != Wall:
		return fmt.Errorf("clusterbench: unknown mode %q", c.Mode)
	case c.Pods < c.Deployments || c.Deployments < 1:
		return fmt.Errorf("clusterbench: %d pods cannot fill %d Deployments", c.Pods, c.Deployments)
	case c.Nodes*c.MaxPods < c.Pods:
		return fmt.Errorf("clusterbench: %d nodes of %d pods cannot hold %d pods", c.Nodes, c.MaxPods, c.Pods)
	}
	return nil
}

// Result of a run.
type Result struct {
	Config Config
	// Ready is the number of pods that became Ready.
	Ready int
	// Elapsed is the wall time from the scale-up to the last pod Ready.
	Elapsed time.Duration
	// FirstReady is the wall time from the scale-up to the first pod Ready.
	FirstReady time.Duration
	// StartUp is the wall time to start envtest, the stack and the nodes.
	StartUp time.Duration
	// PodsPerSecond is Ready / Elapsed.
	PodsPerSecond float64
	// Writes counts the control plane's writes during the scale-up
	// (virtual mode only).
	Writes uint64
}

// Ratio is PodsPerSecond over KWOK's 10k pods in 60 s.
func (r Result) Ratio() float64 { return r.PodsPerSecond / KWOKPodsPerSecond }

func (r Result) String() string {
	return fmt.Sprintf("%d pods Ready in %s (%s mode, %d Deployments, %d nodes): %.0f pods/s, %.2fx KWOK's %.0f pods/s; first Ready after %s; start-up %s",
		r.Ready, r.Elapsed.Round(time.Millisecond), r.Config.Mode, r.Config.Deployments, r.Config.Nodes,
		r.PodsPerSecond, r.Ratio(), KWOKPodsPerSecond, r.FirstReady.Round(time.Millisecond), r.StartUp.Round(time.Millisecond))
}

// Run starts a world, creates the Deployments at 0 replicas, then scales
// them to Pods replicas in total and measures until every pod is Ready.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.defaults(); err != nil {
		return Result{}, err
	}
	res := Result{Config: cfg}
	var ready atomic.Int64
	var scaledAt, firstReady, lastReady atomic.Int64 // wall ns since the Unix epoch
	cc := cluster.Config{
		Seed:       1,
		NodePools:  []cluster.NodePool{{Count: cfg.Nodes, MaxPods: cfg.MaxPods}},
		PodStartup: cfg.PodStartup,
		OnPodEvent: func(e cluster.PodEvent) {
			if e.Stage != cluster.StageReady {
				return
			}
			now := time.Now().UnixNano()
			if ready.Add(1) == 1 {
				firstReady.Store(now)
			}
			lastReady.Store(now)
		},
	}
	wc := world.Config{Cluster: cc, AssetsDir: cfg.AssetsDir}
	var eng *engine.Engine
	if cfg.Mode == Virtual {
		var err error
		if eng, err = engine.New(engine.Config{Seed: 1}); err != nil {
			return res, err
		}
		wc.Engine = eng
	}
	start := time.Now()
	w, err := world.Start(ctx, wc)
	if err != nil {
		return res, err
	}
	defer w.Stop()
	res.StartUp = time.Since(start)

	names := make([]string, cfg.Deployments)
	for i := range names {
		names[i] = fmt.Sprintf("scale-%d", i)
		if err := w.Client.Create(ctx, deployment(names[i])); err != nil {
			return res, err
		}
	}
	if eng != nil {
		if err := w.Settle(ctx); err != nil {
			return res, err
		}
	}
	writes := w.Writes()

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	scaledAt.Store(time.Now().UnixNano())
	for i, name := range names {
		n := cfg.Pods / cfg.Deployments
		if i < cfg.Pods%cfg.Deployments {
			n++
		}
		if err := scale(ctx, w.Client, name, int32(n)); err != nil {
			return res, err
		}
	}
	done := func() bool { return ready.Load() >= int64(cfg.Pods) }
	if eng != nil {
		// Settle the scale-up, then step virtual time a start-up at a time.
		for !done() {
			if err := w.RunFor(ctx, cfg.PodStartup); err != nil {
				return res, err
			}
		}
		res.Writes = w.Writes() - writes
	} else {
		err = wait.PollUntilContextCancel(ctx, 10*time.Millisecond, true, func(context.Context) (bool, error) { return done(), nil })
		if err != nil {
			return res, fmt.Errorf("%d of %d pods Ready: %w", ready.Load(), cfg.Pods, err)
		}
	}
	res.Ready = int(ready.Load())
	res.Elapsed = time.Duration(lastReady.Load() - scaledAt.Load())
	res.FirstReady = time.Duration(firstReady.Load() - scaledAt.Load())
	if res.Elapsed > 0 {
		res.PodsPerSecond = float64(res.Ready) / res.Elapsed.Seconds()
	}
	return res, nil
}

// deployment is an apps/v1 Deployment at 0 replicas whose pods request
// nothing, so only the nodes' pod capacity bounds them.
func deployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "example.com/scale:1"}}},
			},
		},
	}
}

func scale(ctx context.Context, c client.Client, name string, replicas int32) error {
	for {
		d := &appsv1.Deployment{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, d); err != nil {
			return err
		}
		d.Spec.Replicas = ptr.To(replicas)
		err := c.Update(ctx, d)
		if err == nil || !apierrors.IsConflict(err) {
			return err
		}
	}
}
