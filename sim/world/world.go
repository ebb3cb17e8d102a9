package world

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/knsim/knsim/sim/barrier"
	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/controlplane"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/source"
	"github.com/knsim/knsim/system/stack"
)

// Config describes the world to start.
type Config struct {
	// Clock drives controllers and the cluster (default: the wall clock).
	Clock clock.WithTickerAndDelayedExecution
	// Cluster configures the emulated nodes and pod start-up.
	Cluster cluster.Config
	// AssetsDir holds the envtest binaries (default controlplane.AssetsDir()).
	AssetsDir string
	// StateDir keeps the control plane's etcd data across restarts
	// (controlplane.Options.StateDir); "" makes it temporary.
	StateDir string
	// Setup, when set, adds more controllers to the manager with the same
	// options (clock, observer) as the stack's own.
	Setup func(mgr ctrl.Manager, opts reconciler.Options) error
	// SetupRules are the rights the Setup controllers need beyond the
	// stack's generated role; they are granted to the controllers'
	// ServiceAccount in a ClusterRole of their own (knsim-setup).
	SetupRules []rbacv1.PolicyRule
	// Emitter, when set, receives the events of the source controllers
	// (reconciler.Options.Emitter).
	Emitter source.Emitter
	// Engine, when set, runs the world in virtual time: controllers and the
	// cluster use the engine's clock, and RunUntil advances it only when the
	// control plane is quiescent. Clock is then ignored.
	Engine *engine.Engine
}

// World is a running knsim.
type World struct {
	// Client talks to the apiserver as the administrator, uncached: it
	// stands for the user (kubectl, a scenario's manifests).
	Client client.Client
	// ControllerClient talks to the apiserver as the controllers'
	// ServiceAccount (ControlPlane.ControllerConfig), uncached: the shells
	// of the data plane read with it, holding no more rights than the
	// controllers.
	ControllerClient client.Client
	// ControlPlane is the running apiserver and etcd.
	ControlPlane *controlplane.ControlPlane
	// Autoscaler takes the data plane's stats.
	Autoscaler *multiscaler.Multiscaler
	// Cluster is the emulated cluster.
	Cluster *cluster.Cluster

	clock   clock.PassiveClock
	engine  *engine.Engine
	barrier *barrier.Barrier
	// settled reads watched kinds from the manager's cache (virtual
	// worlds only; see SettledClient).
	settled client.Client
	cancel  context.CancelFunc
	done    chan error
}

// Start brings the whole stack up and returns once the manager's caches have
// synced and the webhooks answer.
func Start(ctx context.Context, cfg Config) (*World, error) {
	if cfg.Engine != nil {
		cfg.Clock = cfg.Engine.Clock()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	cfg.Cluster.Clock = cfg.Clock
	sim, err := cluster.New(cfg.Cluster)
	if err != nil {
		return nil, err
	}
	scheme := stack.Scheme()
	cp, err := controlplane.Start(controlplane.Options{Scheme: scheme, AssetsDir: cfg.AssetsDir, Webhooks: true, StateDir: cfg.StateDir})
	if err != nil {
		return nil, err
	}
	if len(cfg.SetupRules) > 0 {
		if err := cp.Grant(ctx, "knsim-setup", cfg.SetupRules); err != nil {
			return nil, errors.Join(err, cp.Stop())
		}
	}
	w := &World{ControlPlane: cp, Cluster: sim, clock: cfg.Clock, engine: cfg.Engine, done: make(chan error, 1)}
	if cfg.Engine != nil {
		if w.barrier, err = barrier.New(scheme, cfg.Engine.Clock()); err != nil {
			return nil, errors.Join(err, cp.Stop())
		}
	}
	if err := w.start(ctx, cfg, sim); err != nil {
		return nil, errors.Join(err, cp.Stop())
	}
	return w, nil
}

func (w *World) start(ctx context.Context, cfg Config, sim *cluster.Cluster) error {
	scheme := stack.Scheme()
	opts := reconciler.Options{Clock: cfg.Clock, Emitter: cfg.Emitter}
	var newClient client.NewClientFunc
	if w.barrier != nil {
		opts.Observer = w.barrier
		newClient = func(config *rest.Config, o client.Options) (client.Client, error) {
			c, err := client.New(config, o)
			if err != nil {
				return nil, err
			}
			return w.barrier.Client(c), nil
		}
	}
	// The manager, and with it every controller, the webhook server and
	// the cluster emulation, runs as the controllers' ServiceAccount, bound
	// to the knsim-controller ClusterRole only (system/config/rbac).
	mgr, err := ctrl.NewManager(w.ControlPlane.ControllerConfig, ctrl.Options{
		NewClient: newClient,
		Scheme:    scheme,
		// Nothing reads managedFields; the cache would deep-copy them on
		// every Get and List.
		Cache:                  cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
		WebhookServer:          w.ControlPlane.WebhookServer(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// Several worlds may run in one test binary.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return fmt.Errorf("creating manager: %w", err)
	}
	handles, err := stack.Setup(mgr, opts, true)
	if err != nil {
		return err
	}
	w.Autoscaler = handles.Autoscaler
	if err := sim.SetupWithManager(mgr, opts); err != nil {
		return fmt.Errorf("setting up cluster emulation: %w", err)
	}
	if cfg.Setup != nil {
		if err := cfg.Setup(mgr, opts); err != nil {
			return fmt.Errorf("setting up extra controllers: %w", err)
		}
	}
	w.Client, err = client.New(w.ControlPlane.Config, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	w.ControllerClient, err = client.New(w.ControlPlane.ControllerConfig, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("creating the controllers' client: %w", err)
	}
	if w.barrier != nil {
		w.Client = w.barrier.Client(w.Client)
		w.settled = settledClient{Client: w.Client, reader: w.barrier.Reader(mgr.GetCache(), w.Client)}
	}
	if err := w.bootstrap(ctx, sim); err != nil {
		return err
	}
	if w.barrier != nil {
		// Every watched kind's informer starts with the cache, so the
		// cache's sync covers them all and the controllers find them synced.
		for _, obj := range w.barrier.Watched() {
			if _, err := mgr.GetCache().GetInformer(ctx, obj); err != nil {
				return fmt.Errorf("informer for %T: %w", obj, err)
			}
		}
	}
	mctx, cancel := context.WithCancel(ctx)
	w.cancel = cancel
	go func() { w.done <- mgr.Start(mctx) }()
	if !mgr.GetCache().WaitForCacheSync(mctx) {
		cancel()
		return fmt.Errorf("manager caches did not sync: %w", errors.Join(<-w.done, ctx.Err()))
	}
	if err := w.started(mctx, mgr); err != nil {
		// Start stops the control plane next: stop the manager first.
		cancel()
		if merr := <-w.done; merr != nil && !errors.Is(merr, context.Canceled) {
			err = errors.Join(err, merr)
		}
		w.cancel = nil
		return err
	}
	return nil
}

// started waits for what must be up before the world is: the webhook
// server, the end of kube-apiserver's hold on creates, and in virtual time
// every controller, idle.
func (w *World) started(mctx context.Context, mgr ctrl.Manager) error {
	if err := w.waitForWebhooks(mctx, mgr); err != nil {
		return err
	}
	if err := w.waitForCreates(mctx); err != nil {
		return err
	}
	if w.barrier == nil {
		return nil
	}
	// Start-up ends when every controller runs and has reacted to the
	// bootstrap objects, so that a run's first instant is not charged
	// with it.
	if err := w.untilStopped(mctx, w.barrier.WaitStarted); err != nil {
		return fmt.Errorf("starting controllers: %w", err)
	}
	if err := w.untilStopped(mctx, w.barrier.Wait); err != nil {
		return fmt.Errorf("settling the bootstrap objects: %w", err)
	}
	return nil
}

// SettledClient is Client, but for reads of the kinds the controllers
// watch, which it serves from the manager's cache: once Settle has
// returned, that cache holds everything the stack wrote, so the reads equal
// the apiserver's and cost no request. Use it between Settle and the next
// change (a virtual run reads the data plane's topology after every
// instant that wrote something). A wall-clock world has no barrier to tell
// when its cache is complete: its SettledClient is Client.
func (w *World) SettledClient() client.Client {
	if w.settled == nil {
		return w.Client
	}
	return w.settled
}

// settledClient writes through Client and reads through reader.
type settledClient struct {
	client.Client
	reader client.Reader
}

func (c settledClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	return c.reader.Get(ctx, key, obj, opts...)
}

func (c settledClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	return c.reader.List(ctx, list, opts...)
}

// apiserverClock is kube-apiserver's: its hold on creates runs in wall time.
var apiserverClock clock.Clock = clock.RealClock{}

// waitForCreates waits until kube-apiserver no longer holds creates of
// objects of kinds whose CRDs were just installed (ControlPlane.CreatesUnheld),
// most of which the manager's start has spent already: otherwise the first
// create of each kind in a run would take 2 s more.
func (w *World) waitForCreates(ctx context.Context) error {
	at, err := w.ControlPlane.CreatesUnheld(ctx)
	if err != nil {
		return err
	}
	if d := at.Sub(apiserverClock.Now()); d > 0 {
		select {
		case <-apiserverClock.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// untilStopped runs wait, giving up when the manager stops.
func (w *World) untilStopped(ctx context.Context, wait func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case err := <-w.done:
			w.done <- err // leave it for Stop
			cancel()
		case <-ctx.Done():
		}
	}()
	err := wait(ctx)
	cancel()
	<-stopped
	return err
}

// bootstrap creates the system namespace and the nodes.
func (w *World) bootstrap(ctx context.Context, sim *cluster.Cluster) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: reconciler.SystemNamespace}}
	if err := w.Client.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", ns.Name, err)
	}
	return sim.EnsureNodes(ctx, w.Client)
}

// waitForWebhooks blocks until the webhook server accepts connections, so the
// first kubectl apply is not refused.
func (w *World) waitForWebhooks(ctx context.Context, mgr ctrl.Manager) error {
	check := mgr.GetWebhookServer().StartedChecker()
	return wait.PollUntilContextCancel(ctx, 20*time.Millisecond, true, func(context.Context) (bool, error) {
		select {
		case err := <-w.done:
			w.done <- err // leave it for Stop
			return false, fmt.Errorf("manager stopped before the webhook server started: %w", err)
		default:
		}
		return check(nil) == nil, nil
	})
}

// Stop stops the manager, then the apiserver and etcd.
func (w *World) Stop() error {
	var errs []error
	if w.cancel != nil {
		w.cancel()
		if err := <-w.done; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("manager: %w", err))
		}
	}
	return errors.Join(append(errs, w.ControlPlane.Stop())...)
}
