package cluster

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/knsim/knsim/sim/gc"
	"github.com/knsim/knsim/system/reconciler"
)

// ControllerName names the emulation's controller (and its workqueue).
const ControllerName = "sim-deployment"

// SetupWithManager registers the emulated Deployment controller, scheduler
// and kubelets. Every watch goes through opts, so queues and handlers are
// observed and requeues run on the cluster's clock (opts.Clock when
// Config.Clock cannot schedule). Besides each
// Deployment's own objects it watches pod deletions and node changes, which
// free or take capacity, to retry the Deployments with pending pods and to
// replace the pods of lost nodes. It registers the emulated garbage
// collector (sim/gc) as well.
func (c *Cluster) SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if clk, ok := c.cfg.Clock.(clock.WithTickerAndDelayedExecution); ok {
		opts.Clock = clk // requeues run on the clock the stages are planned on
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	c.client, c.reader = mgr.GetClient(), mgr.GetAPIReader()
	c.mu.Unlock()
	r := &deploymentReconciler{
		cluster: c, Client: freshClient{Client: mgr.GetClient(), f: c.fresh}, reader: freshReader{Reader: mgr.GetAPIReader(), f: c.fresh},
		concurrency: WriteConcurrency, burst: BurstReplicas, freshness: c.fresh,
	}
	b := opts.NewController(mgr, ControllerName, &appsv1.Deployment{})
	q, _ := opts.Observer.(quiescer)
	if q != nil {
		// In virtual time pod lists come from the cache once it holds the
		// emulation's writes (see podFreshness).
		r.cache = mgr.GetCache()
	}
	if clk, ok := c.cfg.Clock.(clock.WithDelayedExecution); ok || q != nil {
		c.startRounds(q, clk)
		b = b.WatchesRawSource(source.Func(c.takeQueue))
	}
	// envtest runs no kube-controller-manager: the emulation brings its
	// garbage collector too, so deleting a Service takes what it owns.
	collector, err := gc.ForStack(mgr.GetClient(), mgr.GetAPIReader())
	if err != nil {
		return err
	}
	if err := collector.SetupWithManager(mgr, opts); err != nil {
		return err
	}
	return b.
		Watches(opts.Owns(mgr, ControllerName, &appsv1.Deployment{}, &corev1.Pod{})).
		Watches(opts.Watch(ControllerName, &corev1.Pod{}, handler.Funcs{
			CreateFunc: func(_ context.Context, e event.CreateEvent, _ queue) { c.fresh.observed(e.Object) },
			UpdateFunc: func(_ context.Context, e event.UpdateEvent, _ queue) { c.fresh.observed(e.ObjectNew) },
			DeleteFunc: c.podDeleted,
		})).
		Watches(opts.Watch(ControllerName, &corev1.Node{}, c.nodeHandler())).
		Watches(opts.Watch(ControllerName, &appsv1.Deployment{}, handler.Funcs{
			// A reconcile creating a Deployment's pods stops when it goes;
			// the For watch enqueues the reconcile that collects them.
			UpdateFunc: func(_ context.Context, e event.UpdateEvent, _ queue) {
				if e.ObjectNew.GetDeletionTimestamp() != nil {
					c.markGone(client.ObjectKeyFromObject(e.ObjectNew), e.ObjectNew.GetUID())
				}
			},
			DeleteFunc: func(_ context.Context, e event.DeleteEvent, _ queue) {
				if e.Object != nil {
					c.markGone(client.ObjectKeyFromObject(e.Object), e.Object.GetUID())
				}
			},
		})).
		Complete(r)
}

// Reconciler returns the emulation's reconciler for control planes that
// drive reconciles themselves, with no manager and no watches (such as the
// memory control plane): it must be called for every Deployment whenever
// anything may have changed, and at the RequeueAfter it returns. cl writes
// and reader reads without a cache. Nodes are read at every reconcile.
func (c *Cluster) Reconciler(cl client.Client, reader client.Reader) reconcile.Reconciler {
	c.mu.Lock()
	c.client, c.reader = cl, reader
	c.mu.Unlock()
	return &deploymentReconciler{cluster: c, Client: cl, reader: reader, pollNodes: true}
}

// ReconcilerNodesChanged is Reconciler for a control plane that knows when
// a Node was written: a reconcile reads the nodes only when nodesChanged
// reports a Node write since it was last asked (a fleet's Deployments
// reconcile far more often than nodes change).
func (c *Cluster) ReconcilerNodesChanged(cl client.Client, reader client.Reader, nodesChanged func() bool) reconcile.Reconciler {
	r := c.Reconciler(cl, reader).(*deploymentReconciler)
	r.nodesChanged = nodesChanged
	return r
}

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

// podDeleted frees a deleted pod's capacity and retries the Deployments
// waiting for some.
func (c *Cluster) podDeleted(_ context.Context, e event.DeleteEvent, q queue) {
	if e.Object != nil {
		c.fresh.observed(e.Object)
		key := types.NamespacedName{Namespace: e.Object.GetNamespace(), Name: e.Object.GetName()}
		c.release(key)
		c.fresh.observedDeletion(e.Object)
		if c.rounds != nil {
			c.rounds.forget(key)
		}
	}
	if c.rounds != nil {
		c.rounds.retry() // a round decides who gets the capacity
	}
	enqueue(q, c.waiting(""))
}

// nodeHandler records node changes (cordon, readiness, capacity) and
// requeues the Deployments with pending pods or pods on that node.
func (c *Cluster) nodeHandler() handler.EventHandler {
	observe := func(obj *corev1.Node, deleted bool, q queue) {
		c.observeNode(obj, deleted)
		if c.rounds != nil {
			c.rounds.retry() // a round decides who gets the capacity
		}
		enqueue(q, c.waiting(obj.Name))
	}
	return handler.Funcs{
		CreateFunc: func(_ context.Context, e event.CreateEvent, q queue) {
			if n, ok := e.Object.(*corev1.Node); ok {
				observe(n, false, q)
			}
		},
		UpdateFunc: func(_ context.Context, e event.UpdateEvent, q queue) {
			if n, ok := e.ObjectNew.(*corev1.Node); ok {
				observe(n, false, q)
			}
		},
		DeleteFunc: func(_ context.Context, e event.DeleteEvent, q queue) {
			if n, ok := e.Object.(*corev1.Node); ok {
				observe(n, true, q)
			}
		},
	}
}

func enqueue(q queue, owners []types.NamespacedName) {
	for _, o := range owners {
		q.Add(reconcile.Request{NamespacedName: o})
	}
}
