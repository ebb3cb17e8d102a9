package runner

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/memory"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/world"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
)

// backend is a control plane in virtual time: envtest or memory.
type backend interface {
	Apply(ctx context.Context, defaultNamespace string, objs ...*unstructured.Unstructured) error
	Settle(ctx context.Context) error
	Writes() uint64
	Client() client.Client
	Autoscaler() *multiscaler.Multiscaler
	Cluster() *cluster.Cluster
	Stop() error
}

type worldBackend struct{ *world.World }

// Client reads what the controllers watch from the manager's cache: the
// runner reads after the control plane settled (the topology after each
// instant, actions in engine events), when the cache and the apiserver
// agree (world.World.SettledClient).
func (b worldBackend) Client() client.Client                { return b.World.SettledClient() }
func (b worldBackend) Autoscaler() *multiscaler.Multiscaler { return b.World.Autoscaler }
func (b worldBackend) Cluster() *cluster.Cluster            { return b.World.Cluster }

type memoryBackend struct{ *memory.Plane }

func (b memoryBackend) Client() client.Client                { return b.Plane.Client }
func (b memoryBackend) Autoscaler() *multiscaler.Multiscaler { return b.Plane.Autoscaler }
func (b memoryBackend) Cluster() *cluster.Cluster            { return b.Plane.Cluster }

// startBackend builds the scenario's control plane, and records how long
// that took, and later how long it takes to stop, when ctx asks for it
// (WithTiming).
func startBackend(ctx context.Context, sc *scenario.Scenario, eng *engine.Engine, cc cluster.Config, assets string) (backend, error) {
	t := timingFrom(ctx)
	if t == nil {
		return newBackend(ctx, sc, eng, cc, assets)
	}
	began := wallClock.Now()
	b, err := newBackend(ctx, sc, eng, cc, assets)
	t.StartUp = wallClock.Since(began)
	if err != nil {
		return nil, err
	}
	if t.Started != nil {
		t.Started()
	}
	return timedBackend{backend: b, t: t}, nil
}

func newBackend(ctx context.Context, sc *scenario.Scenario, eng *engine.Engine, cc cluster.Config, assets string) (backend, error) {
	switch sc.Metadata.ControlPlane {
	case scenario.Memory:
		p, err := memory.Start(ctx, memory.Config{Engine: eng, Cluster: cc})
		if err != nil {
			return nil, fmt.Errorf("starting memory control plane: %w", err)
		}
		return memoryBackend{p}, nil
	default:
		w, err := world.Start(ctx, world.Config{Engine: eng, Cluster: cc, AssetsDir: assets,
			Setup: managerSetup(ctx)}) // events: sources emit into the run (events.go)
		if err != nil {
			return nil, fmt.Errorf("starting envtest control plane: %w", err)
		}
		return worldBackend{w}, nil
	}
}

// ensureNamespaces creates the namespaces objs use that no object of the
// scenario creates, as `kubectl create namespace` would have been run before
// applying a manifest that assumes one.
func ensureNamespaces(ctx context.Context, b backend, objs []*unstructured.Unstructured) error {
	declared := map[string]bool{}
	for _, o := range objs {
		if o.GetKind() == "Namespace" {
			declared[o.GetName()] = true
		}
	}
	for _, o := range objs {
		ns := o.GetNamespace()
		if ns == "" || declared[ns] {
			continue
		}
		declared[ns] = true
		err := b.Client().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	return nil
}

// podResources reads a Deployment's per-pod requests (CPU cores, memory
// GiB), falling back to the defaults for pods that request nothing.
func podResources(ctx context.Context, c client.Reader, deployment types.NamespacedName) (float64, float64) {
	dep := &appsv1.Deployment{}
	if err := c.Get(ctx, deployment, dep); err != nil {
		return defaultCPU, defaultGiB
	}
	var cpu, mem float64
	for _, ctr := range dep.Spec.Template.Spec.Containers {
		cpu += ctr.Resources.Requests.Cpu().AsApproximateFloat64()
		mem += ctr.Resources.Requests.Memory().AsApproximateFloat64() / (1 << 30)
	}
	// The queue-proxy's own small request is always there; a user container
	// without requests is billed at the defaults.
	if cpu < 0.1 {
		cpu = defaultCPU
	}
	if mem < 0.01 {
		mem = defaultGiB
	}
	return cpu, mem
}
