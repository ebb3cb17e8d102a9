package cluster

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func TestFits(t *testing.T) {
	cordoned := n("c", 0, 0)
	cordoned.unschedulable = true
	full := n("f", 0, 0)
	full.allocated.Pods = 10
	over := n("o", 0, 0)
	over.allocated.Pods = 12 // a node's pods beyond its capacity (bound by someone else)
	for _, tc := range []struct {
		name string
		node nodeInfo
		pod  podRequest
		want int64
	}{
		{"pod slots bind", n("a", 0, 0), req(100, gi), 8}, // 8Gi / 1Gi = 8 < 10 pods
		{"cpu binds", n("a", 3000, 0), req(300, 0), 3},
		{"memory binds", n("a", 0, 7*gi), req(0, gi/2), 2},
		{"no requests: pod slots", n("a", 0, 0), req(0, 0), 10},
		{"cordoned", cordoned, req(0, 0), 0},
		{"no pod slot left", full, req(0, 0), 0},
		{"over capacity", over, req(0, 0), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fits(tc.node, tc.pod); got != tc.want {
				t.Errorf("fits = %d, want %d", got, tc.want)
			}
		})
	}
}

// podCounts counts a Deployment's pods bound to each node ("" for Pending).
func (h *harness) podCounts(app string) map[string]int {
	out := map[string]int{}
	for _, p := range h.pods(app) {
		out[p.Spec.NodeName]++
	}
	return out
}

// TestPodsPerNodeAndPendingBound: each node takes at most maxPods pods,
// and a scale-up far beyond capacity keeps at most MaxPendingPods of its
// pods Pending instead of creating them all.
func TestPodsPerNodeAndPendingBound(t *testing.T) {
	pool := []NodePool{{Count: 2, CPU: resource.MustParse("1"), MaxPods: 3}}
	for _, tc := range []struct {
		name       string
		cfg        Config
		replicas   int32
		cpu        string
		want       map[string]int
		wantReason string
	}{
		{"within capacity", Config{NodePools: pool}, 4, "100m",
			map[string]int{"knsim-worker-1": 2, "knsim-worker-2": 2}, ""},
		{"pods per node bind, a few Pending", Config{NodePools: pool}, 8, "100m",
			map[string]int{"knsim-worker-1": 3, "knsim-worker-2": 3, "": 2}, "0/2 nodes are available: 2 Too many pods."},
		{"default 110 pods per node", Config{NodePools: []NodePool{{Count: 1, CPU: resource.MustParse("100")}}, MaxPendingPods: 5}, 200, "0",
			map[string]int{"knsim-worker-1": 110, "": 5}, "0/1 nodes are available: 1 Too many pods."},
		{"huge scale-up keeps MaxPendingPods Pending", Config{NodePools: pool, MaxPendingPods: 5}, 100000, "100m",
			map[string]int{"knsim-worker-1": 3, "knsim-worker-2": 3, "": 5}, "0/2 nodes are available: 2 Too many pods."},
		{"cpu binds before pods per node", Config{NodePools: pool, MaxPendingPods: 4}, 100000, "400m",
			map[string]int{"knsim-worker-1": 2, "knsim-worker-2": 2, "": 4}, "0/2 nodes are available: 2 Insufficient cpu."},
		{"fits nowhere", Config{NodePools: pool, MaxPendingPods: 3}, 100000, "2",
			map[string]int{"": 3}, "0/2 nodes are available: 2 Insufficient cpu."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.cfg)
			h.create(testDeploymentCPU("web", tc.replicas, tc.cpu))
			h.runFor(10 * time.Second)
			if d := cmp.Diff(tc.want, h.podCounts("web")); d != "" {
				t.Errorf("pods per node (-want +got):\n%s", d)
			}
			for _, p := range h.pods("web") {
				if p.Spec.NodeName != "" {
					continue
				}
				if msg, _, _ := schedulingMessage(&p); msg != tc.wantReason {
					t.Errorf("pod %s: scheduling message %q, want %q", p.Name, msg, tc.wantReason)
				}
			}
			if tc.want[""] > 0 {
				if d := cmp.Diff([]string{"default/web"}, names(h.c.Waiting())); d != "" {
					t.Errorf("Waiting() (-want +got):\n%s", d)
				}
			}
		})
	}
}

func names[T interface{ String() string }](keys []T) []string {
	out := []string{}
	for _, k := range keys {
		out = append(out, k.String())
	}
	return out
}

// TestPendingRefilledAsCapacityFrees: a Deployment short of pods because
// of the Pending bound creates more as capacity frees, keeping the bound.
func TestPendingRefilledAsCapacityFrees(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, Config{NodePools: []NodePool{{Count: 2, MaxPods: 3}}, MaxPendingPods: 2})
	h.create(testDeploymentCPU("web", 100, "100m"))
	h.runFor(10 * time.Second)
	// A node more: its 3 slots take the 2 Pending pods and a new one, and
	// 2 new pods stay Pending.
	if err := h.store.Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "extra"},
		Status: corev1.NodeStatus{
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi"), corev1.ResourcePods: resource.MustParse("3")},
			Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		}}); err != nil {
		t.Fatal(err)
	}
	// Without a node watch, a control plane retries the waiting
	// Deployments when nodes change: settle reconciles them all.
	h.runFor(10 * time.Second)
	got := h.podCounts("web")
	want := map[string]int{"knsim-worker-1": 3, "knsim-worker-2": 3, "extra": 3, "": 2}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pods per node after a node joined (-want +got):\n%s", d)
	}
	// Scaled to what runs, the Pending pods go and none are created.
	d := &appsv1.Deployment{}
	if err := h.store.Get(ctx, client.ObjectKey{Namespace: "default", Name: "web"}, d); err != nil {
		t.Fatal(err)
	}
	d.Spec.Replicas = new(int32)
	*d.Spec.Replicas = 6
	if err := h.store.Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	h.runFor(10 * time.Second)
	if n := h.podCounts("web")[""]; n != 0 {
		t.Errorf("%d pods Pending after scaling down to what fits", n)
	}
	if w := h.c.Waiting(); len(w) != 0 {
		t.Errorf("Waiting() = %v, want none", w)
	}
}

// goneAfter is a client whose pod creates mark the Deployment gone after
// the n-th, as the Deployment watch does when it is deleted while a
// reconcile creates its pods.
type goneAfter struct {
	client.Client
	c       *Cluster
	d       *appsv1.Deployment
	n       int64
	created atomic.Int64
}

func (g *goneAfter) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	if err := g.Client.Create(ctx, obj, opts...); err != nil {
		return err
	}
	if _, ok := obj.(*corev1.Pod); ok && g.created.Add(1) == g.n {
		g.c.markGone(client.ObjectKeyFromObject(g.d), g.d.UID)
	}
	return nil
}

// TestDeletedDuringScaleUp: a Deployment deleted while a reconcile creates
// its pods gets no more once the batch in flight is written (slow start:
// 1, 2, 4, ...), and the next reconcile deletes those it has.
func TestDeletedDuringScaleUp(t *testing.T) {
	for _, tc := range []struct {
		name      string
		goneAfter int64
		want      int
	}{
		{"after the first batch", 1, 1},
		{"within the third batch", 5, 7},
		{"never", 0, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, Config{NodePools: []NodePool{{Count: 1}}, MaxPendingPods: 100})
			d := testDeploymentCPU("web", 1000, "0")
			h.create(d)
			g := &goneAfter{Client: h.store, c: h.c, d: d, n: tc.goneAfter}
			r := &deploymentReconciler{cluster: h.c, Client: g, reader: h.store, pollNodes: true, concurrency: 4, burst: BurstReplicas}
			req := reconcile.Request{NamespacedName: client.ObjectKeyFromObject(d)}
			if _, err := r.Reconcile(ctx, req); err != nil {
				t.Fatal(err)
			}
			// 110 fit on the node, plus 100 Pending, within the burst.
			want := min(tc.want, 210)
			if tc.goneAfter == 0 {
				want = 210
			}
			if got := len(h.pods("web")); got != want {
				t.Fatalf("%d pods created, want %d", got, want)
			}
			if tc.goneAfter == 0 {
				return
			}
			if err := h.store.Delete(ctx, d); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Reconcile(ctx, req); err != nil {
				t.Fatal(err)
			}
			if got := len(h.pods("web")); got != 0 {
				t.Errorf("%d pods left after the Deployment went", got)
			}
			if h.c.isGone(req.NamespacedName, d.UID) || len(h.c.Waiting()) != 0 {
				t.Errorf("the emulation still holds the deleted Deployment: gone %v, waiting %v", h.c.gone, h.c.Waiting())
			}
		})
	}
}

// TestForegroundDeletion: a Deployment held by the foregroundDeletion
// finalizer loses its pods and then the finalizer, as the garbage
// collector would; one held by another finalizer gets no new pods.
func TestForegroundDeletion(t *testing.T) {
	for _, tc := range []struct {
		name      string
		finalizer string
		wantPods  int
		wantGone  bool
	}{
		{"foreground", metav1.FinalizerDeleteDependents, 0, true},
		{"another finalizer", "example.com/hold", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, Config{NodePools: smallNodes})
			d := testDeploymentCPU("web", 2, "100m")
			d.Finalizers = []string{tc.finalizer}
			h.create(d)
			h.runFor(10 * time.Second)
			if err := h.store.Delete(ctx, d); err != nil {
				t.Fatal(err)
			}
			// Scaling up while being deleted creates nothing.
			cur := &appsv1.Deployment{}
			if err := h.store.Get(ctx, client.ObjectKeyFromObject(d), cur); err != nil {
				t.Fatal(err)
			}
			cur.Spec.Replicas = new(int32)
			*cur.Spec.Replicas = 5
			if err := h.store.Update(ctx, cur); err != nil {
				t.Fatal(err)
			}
			h.runFor(10 * time.Second)
			if got := len(h.pods("web")); got != tc.wantPods {
				t.Errorf("%d pods, want %d", got, tc.wantPods)
			}
			err := h.store.Get(ctx, client.ObjectKeyFromObject(d), &appsv1.Deployment{})
			if gone := err != nil; gone != tc.wantGone {
				t.Errorf("Deployment gone = %v (%v), want %v", gone, err, tc.wantGone)
			}
		})
	}
}
