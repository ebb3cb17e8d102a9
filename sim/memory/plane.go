package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/gc"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/stack"
	"github.com/knsim/knsim/system/topology"
	"github.com/knsim/knsim/system/webhook"
)

// clusterReconcilerName names the cluster emulation's Deployment
// reconciler among the plane's reconcilers.
const clusterReconcilerName = "sim-deployment"

// MaxPasses bounds the reconcile passes at one instant; more means two
// controllers keep undoing each other, which is a bug worth reporting.
const MaxPasses = 100

// Config describes a memory control plane.
type Config struct {
	// Engine owns virtual time (required).
	Engine *engine.Engine
	// Cluster configures the emulated nodes and pods.
	Cluster cluster.Config
}

// Plane is a running memory control plane.
type Plane struct {
	// Client reads and writes the store; writes through it are admitted
	// (defaulted and validated) like writes to an apiserver.
	Client client.Client
	// Autoscaler takes the data plane's stats.
	Autoscaler *multiscaler.Multiscaler
	// Cluster is the emulated cluster.
	Cluster *cluster.Cluster

	engine      *engine.Engine
	store       *countingClient
	db          *store
	reconcilers []stack.Reconciler
	wakeups     map[wakeup]bool
	deps        *deps // what each reconcile read, and what is due (settle.go)
	// dirty is set when something may need reconciling: a write from
	// outside the reconcilers, a requeue coming due, a new recommendation.
	// Engine events of the data plane change nothing here, so settling
	// after them is free.
	dirty     bool
	settledAt int // store writes at the end of the last fixpoint
	// changes are the objects the data plane sees written since
	// ServingChanges was last called.
	changes topology.Changes
	// nodesDirty is set when a Node was written (or the world changed
	// behind the store's back) since the cluster emulation last read them.
	nodesDirty atomic.Bool
	// collector plays the garbage collector for the owner kinds; garbage
	// holds the owners it has still to collect (garbage.go).
	collector *gc.Collector
	owners    map[schema.GroupVersionKind]bool
	garbage   map[ownerKey]bool
}

// noteChange keeps a written object the data plane sees.
func (p *Plane) noteChange(ch change) {
	switch ch.gvk.GroupKind() {
	case nodeKind:
		p.nodesDirty.Store(true)
	case routeKind:
		p.changes.Routes = append(p.changes.Routes, ch.key)
	case revisionKind:
		p.changes.Revisions = append(p.changes.Revisions, ch.key)
	case sksKind:
		p.changes.ServerlessServices = append(p.changes.ServerlessServices, ch.key)
	case kubeServiceKind:
		p.changes.Services = append(p.changes.Services, ch.key)
	case podKind:
		p.changes.Pods = append(p.changes.Pods, ch.key)
		if ch.after == nil {
			// A pod gone frees capacity: the Deployments waiting for some
			// try again, as on an apiserver the pod's deletion event makes
			// them.
			for _, o := range p.Cluster.Waiting() {
				p.deps.markKind(deploymentGVK, o)
			}
		}
	}
}

// nodesChanged tells the cluster emulation whether to read the nodes
// again. A reconcile depends on the nodes whether or not it reads them
// this time, so a Node write makes every Deployment due, as a node watch
// would.
func (p *Plane) nodesChanged() bool {
	p.deps.read(nodeGVK, "", "", nil)
	return p.nodesDirty.Swap(false)
}

// ServingChanges returns the Routes, Revisions, ServerlessServices and
// Pods written since the last call (a topology.Tracker reads just those).
func (p *Plane) ServingChanges() topology.Changes {
	ch := p.changes
	p.changes = topology.Changes{}
	return ch
}

// The kinds the data plane's view is made of.
var (
	routeKind    = servingv1.SchemeGroupVersion.WithKind("Route").GroupKind()
	revisionKind = servingv1.SchemeGroupVersion.WithKind("Revision").GroupKind()
	sksKind      = networkingv1alpha1.SchemeGroupVersion.WithKind("ServerlessService").GroupKind()
	podKind      = corev1.SchemeGroupVersion.WithKind("Pod").GroupKind()
	// kubeServiceKind is a plain Kubernetes Service, which kube-proxy
	// routes to.
	kubeServiceKind = corev1.SchemeGroupVersion.WithKind("Service").GroupKind()
	nodeGVK         = corev1.SchemeGroupVersion.WithKind("Node")
	deploymentGVK   = appsv1.SchemeGroupVersion.WithKind("Deployment")
	nodeKind        = nodeGVK.GroupKind()
)

// Touch makes everything due at the next Settle; call it after changing
// the world behind the store's back (killing a node).
func (p *Plane) Touch() {
	p.nodesDirty.Store(true)
	p.deps.setAll(true)
	p.dirty = true
}

// Start builds the store, the reconcilers and the emulated nodes.
func Start(ctx context.Context, cfg Config) (*Plane, error) {
	if cfg.Engine == nil {
		return nil, errors.New("memory: Engine is required")
	}
	clk := cfg.Engine.Clock()
	cfg.Cluster.Clock = clk
	sim, err := cluster.New(cfg.Cluster)
	if err != nil {
		return nil, err
	}
	// Every reconciled kind has a status subresource, and so have the
	// cluster's own objects.
	db, err := newStore(stack.Scheme(), clk, append(stack.Kinds(), &appsv1.Deployment{}, &corev1.Pod{}, &corev1.Node{})...)
	if err != nil {
		return nil, err
	}
	store := &countingClient{Client: gracefulPods{db}}
	var p *Plane
	// A changed recommendation must be applied to its PodAutoscaler at the
	// next settle.
	ms := multiscaler.New(clk, func(k types.NamespacedName) { p.deps.markKind(autoscalerKind, k); p.dirty = true })
	rs, err := stack.Reconcilers(store, reconciler.Options{Clock: clk}, ms)
	if err != nil {
		return nil, err
	}
	rs = append(rs, stack.Reconciler{Name: clusterReconcilerName, List: &appsv1.DeploymentList{}, Reconciler: sim.ReconcilerNodesChanged(store, store, func() bool { return p.nodesChanged() })})
	p = &Plane{
		Client:      &admittingClient{Client: store},
		Autoscaler:  ms,
		Cluster:     sim,
		engine:      cfg.Engine,
		store:       store,
		db:          db,
		reconcilers: rs,
		wakeups:     map[wakeup]bool{},
	}
	if p.deps, err = newDeps(rs, db.Scheme()); err != nil {
		return nil, err
	}
	if p.collector, err = gc.ForStack(store, nil); err != nil {
		return nil, err
	}
	p.owners = map[schema.GroupVersionKind]bool{}
	for _, gvk := range p.collector.Owners() {
		p.owners[gvk] = true
	}
	db.onRead = p.deps.read
	db.onWrite = func(ch change) {
		p.deps.wrote(ch)
		p.noteChange(ch)
		p.noteOwner(ch)
	}
	if err := sim.EnsureNodes(ctx, store); err != nil {
		return nil, err
	}
	p.Touch()
	return p, p.Settle(ctx)
}

// Settle reconciles, in a fixed order (kinds as stack.Reconcilers lists
// them, keys sorted), what may need it until a pass writes nothing: see
// settle.go for how the plane knows what that is.
func (p *Plane) Settle(ctx context.Context) error {
	if !p.dirty && p.store.writes == p.settledAt && !p.deps.pendingAny() {
		return nil
	}
	p.dirty = false
	defer func() { p.settledAt = p.store.writes }()
	for pass := 0; pass < MaxPasses; pass++ {
		before := p.store.writes
		for i, r := range p.reconcilers {
			if err := p.reconcileDue(ctx, i, r); err != nil {
				return err
			}
		}
		if err := p.collectGarbage(ctx); err != nil {
			return err
		}
		p.deps.setAll(false)
		if p.store.writes == before {
			// What is still due names objects that do not exist.
			p.deps.clearPending()
			return nil
		}
	}
	return fmt.Errorf("memory: no fixpoint after %d passes at virtual %s", MaxPasses, p.engine.Now().Format(time.RFC3339Nano))
}

// reconcileDue reconciles the objects of r's kind that are due, in key
// order; an object made due by an earlier one's write in the same turn is
// reconciled in that turn, as when every object was reconciled.
func (p *Plane) reconcileDue(ctx context.Context, i int, r stack.Reconciler) error {
	if !p.deps.due(i) {
		return nil
	}
	keys, err := p.db.keys(r.List)
	if err != nil {
		return fmt.Errorf("memory: listing for %s: %w", r.Name, err)
	}
	slices.SortFunc(keys, compareKeyStrings)
	if p.deps.allDue() {
		for _, k := range keys {
			if p.deps.take(i, k) {
				p.reconcileOne(ctx, i, r, k)
			}
		}
		return p.reconcileGone(ctx, i, r)
	}
	// Only the due objects, in key order: a fleet has many objects of a
	// kind and few due at once. An object that becomes due after the turn
	// passed it waits for the next pass, as in a walk over every key.
	var at []int // positions in keys still to visit, ascending
	visit := func(due []client.ObjectKey, after int) {
		for _, k := range due {
			if j, ok := slices.BinarySearchFunc(keys, k, compareKeyStrings); ok && j > after {
				if n, dup := slices.BinarySearch(at, j); !dup {
					at = slices.Insert(at, n, j)
				}
			}
		}
	}
	visit(p.deps.pendingKeys(i), -1)
	for len(at) > 0 {
		j := at[0]
		at = at[1:]
		if !p.deps.take(i, keys[j]) {
			continue
		}
		p.reconcileOne(ctx, i, r, keys[j])
		visit(p.deps.takeFresh(i), j)
	}
	return p.reconcileGone(ctx, i, r)
}

// reconcileGone reconciles, for the cluster emulation's Deployments, the
// due ones the store no longer holds, as a watch's delete event would: the
// emulation then deletes their pods (the Knative reconcilers clean up
// through finalizers while their objects still exist, so they are not
// asked). A gone object's reads are forgotten once it has been told.
func (p *Plane) reconcileGone(ctx context.Context, i int, r stack.Reconciler) error {
	if r.Name != clusterReconcilerName {
		return nil
	}
	pending := p.deps.pendingKeys(i)
	slices.SortFunc(pending, compareKeyStrings)
	for _, k := range pending {
		exists, err := p.db.exists(r.List, k)
		if err != nil {
			return fmt.Errorf("memory: reading for %s: %w", r.Name, err)
		}
		if exists || !p.deps.take(i, k) {
			continue
		}
		p.reconcileOne(ctx, i, r, k)
		p.deps.forget(due{i, k})
	}
	return nil
}

// reconcileOne reconciles one object, noting what it read and when it
// wants to be reconciled again.
func (p *Plane) reconcileOne(ctx context.Context, i int, r stack.Reconciler, k client.ObjectKey) {
	p.deps.begin(i, k)
	res, err := r.Reconciler.Reconcile(ctx, reconcile.Request{NamespacedName: k})
	p.deps.end()
	switch {
	case apierrors.IsConflict(err):
		// It read something stale: again in the next pass.
		p.deps.mark(i, k)
	case err != nil:
		// A reconcile error retries a second later, as a rate-limited
		// requeue would; persistent errors end in the pass limit.
		p.wakeAfter(i, k, time.Second)
	case res.RequeueAfter > 0:
		p.wakeAfter(i, k, res.RequeueAfter)
	case res.Requeue: //nolint:staticcheck // still honoured by controller-runtime
		p.deps.mark(i, k)
	}
}

// compareKeyStrings orders keys as their String forms (namespace/name)
// sort, without building them.
func compareKeyStrings(a, b client.ObjectKey) int {
	if a.Namespace == b.Namespace {
		return strings.Compare(a.Name, b.Name)
	}
	n := min(len(a.Namespace), len(b.Namespace))
	for i := 0; i < n; i++ {
		if a.Namespace[i] != b.Namespace[i] {
			return cmp.Compare(a.Namespace[i], b.Namespace[i])
		}
	}
	// One namespace is a prefix of the other: the shorter one's separator
	// meets the longer one's next byte.
	switch {
	case len(a.Namespace) == n && b.Namespace[n] != '/':
		return cmp.Compare(byte('/'), b.Namespace[n])
	case len(b.Namespace) == n && a.Namespace[n] != '/':
		return cmp.Compare(a.Namespace[n], byte('/'))
	}
	return strings.Compare(a.String(), b.String())
}

// wakeAfter makes the object due at now+d and the engine stop then.
func (p *Plane) wakeAfter(i int, k client.ObjectKey, d time.Duration) {
	w := wakeup{at: p.engine.Now().Add(d), r: i, key: k}
	if p.wakeups[w] {
		return
	}
	p.wakeups[w] = true
	p.engine.Schedule(w.at, func(time.Time) {
		delete(p.wakeups, w)
		p.deps.mark(w.r, w.key)
		p.dirty = true
	})
}

// wakeup is one object's requeue.
type wakeup struct {
	at  time.Time
	r   int
	key client.ObjectKey
}

// RunUntil advances virtual time to t, settling after every engine event.
func (p *Plane) RunUntil(ctx context.Context, t time.Time) error {
	for {
		if err := p.Settle(ctx); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		next, ok := p.engine.Next()
		if !ok || next.After(t) {
			break
		}
		p.engine.Step()
	}
	if p.engine.Now().Before(t) {
		p.engine.RunUntil(t)
	}
	return p.Settle(ctx)
}

// RunFor advances virtual time by d.
func (p *Plane) RunFor(ctx context.Context, d time.Duration) error {
	return p.RunUntil(ctx, p.engine.Now().Add(d))
}

// Writes counts the store's writes so far.
func (p *Plane) Writes() uint64 { return uint64(p.store.writes) }

// Now is the virtual time.
func (p *Plane) Now() time.Time { return p.engine.Now() }

// Stop releases the plane (nothing runs in the background).
func (p *Plane) Stop() error { return nil }

// countingClient counts writes so Settle can detect a fixpoint.
type countingClient struct {
	client.Client
	writes int
	uids   uint64 // UIDs given out by Create
}

func (c *countingClient) count(err error) error {
	if err == nil {
		c.writes++
	}
	return err
}

func (c *countingClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	obj.SetGeneration(1)
	if obj.GetUID() == "" {
		// The apiserver gives every object a UID; the in-memory store does
		// not, and owners are told apart by it (a channel's
		// spec.subscribers are keyed by Subscription UID). Counting creates
		// keeps it deterministic.
		c.uids++
		obj.SetUID(types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012x", c.uids)))
	}
	return c.count(c.Client.Create(ctx, obj, opts...))
}

func (c *countingClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	return c.count(c.Client.Update(ctx, obj, opts...))
}

func (c *countingClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	return c.count(c.Client.Patch(ctx, obj, patch, opts...))
}

func (c *countingClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	return c.count(c.Client.Delete(ctx, obj, opts...))
}

func (c *countingClient) Status() client.SubResourceWriter {
	return &countingStatus{SubResourceWriter: c.Client.Status(), c: c}
}

type countingStatus struct {
	client.SubResourceWriter
	c *countingClient
}

func (s *countingStatus) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	return s.c.count(s.SubResourceWriter.Update(ctx, obj, opts...))
}

func (s *countingStatus) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	return s.c.count(s.SubResourceWriter.Patch(ctx, obj, patch, opts...))
}

// admittingClient runs admission on writes from outside the stack, as the
// apiserver's webhooks would.
type admittingClient struct{ client.Client }

func (c *admittingClient) typed(obj client.Object) (client.Object, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return obj, nil
	}
	typed, err := c.Scheme().New(u.GroupVersionKind())
	if err != nil {
		return nil, fmt.Errorf("memory: %s %q: %w", u.GetKind(), u.GetName(), err)
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, typed, true); err != nil {
		return nil, fmt.Errorf("memory: %s %q: %w", u.GetKind(), u.GetName(), err)
	}
	return typed.(client.Object), nil
}

func (c *admittingClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	typed, err := c.typed(obj)
	if err != nil {
		return err
	}
	if err := webhook.AdmitIn(ctx, c.Client, typed, nil); err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	return c.Client.Create(ctx, typed, opts...)
}

func (c *admittingClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	typed, err := c.typed(obj)
	if err != nil {
		return err
	}
	old := typed.DeepCopyObject().(client.Object)
	if err := c.Client.Get(ctx, client.ObjectKeyFromObject(typed), old); err != nil {
		return err
	}
	if err := webhook.AdmitIn(ctx, c.Client, typed, old); err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	return c.Client.Update(ctx, typed, opts...)
}
