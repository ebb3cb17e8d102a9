package topology

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// holdFinalizer keeps a deleted pod in the store, terminating, until the
// test lets it go.
const holdFinalizer = "knsim.dev/test-hold"

func trackerScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(servingv1.AddToScheme(s))
	utilruntime.Must(networkingv1alpha1.AddToScheme(s))
	return s
}

// servingEqual compares snapshots; a snapshot without Routes may hold them
// as nil or empty.
var servingEqual = cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Routes" }, cmpopts.EquateEmpty())

// world is a fake apiserver the tests write to; it names what each write
// touched, as the memory plane does, in ch.
type world struct {
	t  *testing.T
	c  client.Client
	ch Changes
}

func newWorld(t *testing.T) *world {
	return &world{t: t, c: fake.NewClientBuilder().WithScheme(trackerScheme()).Build()}
}

// note names a written object.
func (w *world) note(o client.Object) {
	k := types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()}
	switch o.(type) {
	case *servingv1.Route:
		w.ch.Routes = append(w.ch.Routes, k)
	case *servingv1.Revision:
		w.ch.Revisions = append(w.ch.Revisions, k)
	case *networkingv1alpha1.ServerlessService:
		w.ch.ServerlessServices = append(w.ch.ServerlessServices, k)
	case *corev1.Pod:
		w.ch.Pods = append(w.ch.Pods, k)
	case *corev1.Service:
		w.ch.Services = append(w.ch.Services, k)
	default:
		w.t.Fatalf("note: %T", o)
	}
}

// take returns the names written since the last take.
func (w *world) take() Changes {
	ch := w.ch
	w.ch = Changes{}
	return ch
}

// put writes obj: creates it, or updates the stored object to it (keeping
// the stored finalizers and deletionTimestamp); a pod's status is then
// written through the status subresource.
func (w *world) put(obj client.Object) {
	w.t.Helper()
	ctx := context.Background()
	obj = obj.DeepCopyObject().(client.Object)
	cur := obj.DeepCopyObject().(client.Object)
	err := w.c.Get(ctx, client.ObjectKeyFromObject(obj), cur)
	switch {
	case apierrors.IsNotFound(err):
		if err := w.c.Create(ctx, obj.DeepCopyObject().(client.Object)); err != nil {
			w.t.Fatalf("creating %s: %v", obj.GetName(), err)
		}
	case err != nil:
		w.t.Fatal(err)
	default:
		n := obj.DeepCopyObject().(client.Object)
		n.SetResourceVersion(cur.GetResourceVersion())
		n.SetFinalizers(cur.GetFinalizers())
		n.SetDeletionTimestamp(cur.GetDeletionTimestamp())
		if err := w.c.Update(ctx, n); err != nil {
			w.t.Fatalf("updating %s: %v", obj.GetName(), err)
		}
	}
	w.note(obj)
	if p, ok := obj.(*corev1.Pod); ok {
		stored := &corev1.Pod{}
		if err := w.c.Get(ctx, client.ObjectKeyFromObject(p), stored); err != nil {
			w.t.Fatal(err)
		}
		stored.Status = p.Status
		if err := w.c.Status().Update(ctx, stored); err != nil {
			w.t.Fatalf("updating the status of %s: %v", p.Name, err)
		}
		w.note(p)
	}
}

// del deletes obj (a pod holding holdFinalizer only starts terminating).
func (w *world) del(obj client.Object) {
	w.t.Helper()
	if err := w.c.Delete(context.Background(), obj.DeepCopyObject().(client.Object)); err != nil {
		w.t.Fatalf("deleting %s: %v", obj.GetName(), err)
	}
	w.note(obj)
}

// release drops a pod's holdFinalizer: a terminating pod is then gone.
func (w *world) release(ns, name string) {
	w.t.Helper()
	ctx := context.Background()
	p := &corev1.Pod{}
	if err := w.c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, p); err != nil {
		w.t.Fatal(err)
	}
	p.Finalizers = slices.DeleteFunc(p.Finalizers, func(f string) bool { return f == holdFinalizer })
	if err := w.c.Update(ctx, p); err != nil {
		w.t.Fatal(err)
	}
	w.note(p)
}

func route(ns, name string, targets ...string) *servingv1.Route {
	rt := &servingv1.Route{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for _, rev := range targets {
		rt.Spec.Traffic = append(rt.Spec.Traffic, servingv1.TrafficTarget{RevisionName: rev, Percent: ptr.To(int64(100 / len(targets)))})
	}
	return rt
}

func revision(ns, name, svc string, cc, timeout *int64) *servingv1.Revision {
	r := &servingv1.Revision{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if svc != "" {
		r.Labels = map[string]string{servingv1.ServiceLabelKey: svc}
	}
	r.Spec.ContainerConcurrency = cc
	r.Spec.TimeoutSeconds = timeout
	return r
}

func sks(ns, name string, mode networkingv1alpha1.ServerlessServiceMode) *networkingv1alpha1.ServerlessService {
	return &networkingv1alpha1.ServerlessService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1alpha1.ServerlessServiceSpec{Mode: mode}}
}

// revPod is a pod of revision rev ("" for none), ready or not; held pods
// carry holdFinalizer.
func revPod(ns, name, rev string, ready, held bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "user-container", Image: "app"}}}}
	if rev != "" {
		p.Labels = map[string]string{servingv1.RevisionLabelKey: rev}
	}
	if held {
		p.Finalizers = []string{holdFinalizer}
	}
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: status}}
	return p
}

func key(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}

// readyPods returns the revision each ready, not terminating pod counts
// for, by pod, as ReadServing counts them.
func readyPods(t *testing.T, c client.Reader) map[types.NamespacedName]types.NamespacedName {
	t.Helper()
	var pods corev1.PodList
	if err := c.List(context.Background(), &pods); err != nil {
		t.Fatal(err)
	}
	out := map[types.NamespacedName]types.NamespacedName{}
	for i := range pods.Items {
		p := &pods.Items[i]
		if rev := p.Labels[servingv1.RevisionLabelKey]; rev != "" && p.DeletionTimestamp == nil && podReady(p) {
			out[key(p.Namespace, p.Name)] = key(p.Namespace, rev)
		}
	}
	return out
}

// wantDelta is what an update over ch should report: Routes when a Route
// was written, and the revisions whose RevisionInfo may have changed: the
// written Revisions, those of the written ServerlessServices, and those a
// written pod counted for before (in was) or counts for now (in is).
func wantDelta(ch Changes, was, is map[types.NamespacedName]types.NamespacedName) Delta {
	revs := map[types.NamespacedName]bool{}
	for _, k := range slices.Concat(ch.Revisions, ch.ServerlessServices) {
		revs[k] = true
	}
	for _, p := range ch.Pods {
		for _, m := range []map[types.NamespacedName]types.NamespacedName{was, is} {
			if rev, ok := m[p]; ok {
				revs[rev] = true
			}
		}
	}
	return Delta{Routes: len(ch.Routes) > 0, Revisions: slices.SortedFunc(maps.Keys(revs), CompareKeys)}
}

// check updates tr over the world's changes and compares the snapshot with
// ReadServing and the delta with wantDelta; it returns the new snapshot.
func check(t *testing.T, w *world, tr *Tracker, snap *Serving, was map[types.NamespacedName]types.NamespacedName) (*Serving, Delta) {
	t.Helper()
	ctx := context.Background()
	ch := w.take()
	got, d, err := tr.Update(ctx, w.c, ch)
	if err != nil {
		t.Fatal(err)
	}
	if got != snap {
		t.Errorf("Update returned another Serving, want the tracker's own updated in place")
	}
	want, err := ReadServing(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, servingEqual); diff != "" {
		t.Fatalf("snapshot after %+v (-ReadServing +tracker):\n%s", ch, diff)
	}
	if diff := cmp.Diff(wantDelta(ch, was, readyPods(t, w.c)), d); diff != "" {
		t.Fatalf("delta after %+v (-want +got):\n%s", ch, diff)
	}
	return got, d
}

func TestTrackerUpdate(t *testing.T) {
	const ns = "default"
	base := func(w *world) {
		w.put(route(ns, "hello", "hello-1"))
		w.put(revision(ns, "hello-1", "hello", ptr.To[int64](1), ptr.To[int64](30)))
		w.put(revision(ns, "hello-2", "hello", nil, nil))
		w.put(sks(ns, "hello-1", networkingv1alpha1.SKSModeServe))
		w.put(sks(ns, "hello-2", networkingv1alpha1.SKSModeProxy))
		w.put(revPod(ns, "hello-1-a", "hello-1", true, false))
		w.put(revPod(ns, "hello-1-b", "hello-1", true, true))
		w.put(revPod(ns, "hello-1-c", "hello-1", false, false))
		w.put(revPod(ns, "hello-2-a", "hello-2", true, false))
		w.put(revPod("other", "hello-1-a", "hello-1", true, false))
	}
	k1, k2, other1 := key(ns, "hello-1"), key(ns, "hello-2"), key("other", "hello-1")
	cases := []struct {
		name  string
		step  func(w *world)
		delta Delta
		// check, when set, looks at the snapshot further.
		check func(t *testing.T, s *Serving)
	}{{
		name: "nothing changed",
		step: func(*world) {},
	}, {
		name:  "a pod moving from ready to not ready",
		step:  func(w *world) { w.put(revPod(ns, "hello-1-a", "hello-1", false, false)) },
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantReady(k1, "hello-1-b"),
	}, {
		name:  "a pod becoming ready",
		step:  func(w *world) { w.put(revPod(ns, "hello-1-c", "hello-1", true, false)) },
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantReady(k1, "hello-1-a", "hello-1-b", "hello-1-c"),
	}, {
		name:  "a not ready pod changing",
		step:  func(w *world) { w.put(revPod(ns, "hello-1-c", "hello-1", false, true)) },
		delta: Delta{},
	}, {
		name:  "a pod deleted",
		step:  func(w *world) { w.del(revPod(ns, "hello-1-a", "", false, false)) },
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantReady(k1, "hello-1-b"),
	}, {
		name:  "a pod terminating",
		step:  func(w *world) { w.del(revPod(ns, "hello-1-b", "", false, false)) },
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantReady(k1, "hello-1-a"),
	}, {
		name: "a terminating pod gone",
		step: func(w *world) {
			w.del(revPod(ns, "hello-1-b", "", false, false))
			w.release(ns, "hello-1-b")
		},
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantReady(k1, "hello-1-a"),
	}, {
		name:  "a ready pod moving to another revision",
		step:  func(w *world) { w.put(revPod(ns, "hello-1-a", "hello-2", true, false)) },
		delta: Delta{Revisions: []types.NamespacedName{k1, k2}},
		check: wantReady(k2, "hello-1-a", "hello-2-a"),
	}, {
		name:  "a ready pod losing its revision label",
		step:  func(w *world) { w.put(revPod(ns, "hello-2-a", "", true, false)) },
		delta: Delta{Revisions: []types.NamespacedName{k2}},
		check: wantReady(k2),
	}, {
		name:  "a pod of a revision that does not exist",
		step:  func(w *world) { w.put(revPod(ns, "ghost-a", "ghost", true, false)) },
		delta: Delta{Revisions: []types.NamespacedName{key(ns, "ghost")}},
	}, {
		name:  "a revision deleted",
		step:  func(w *world) { w.del(revision(ns, "hello-1", "", nil, nil)) },
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: func(t *testing.T, s *Serving) {
			if _, ok := s.Revisions[k1]; ok {
				t.Errorf("%s still in the snapshot", k1)
			}
		},
	}, {
		name: "a revision deleted and created again keeps its ready pods",
		step: func(w *world) {
			w.del(revision(ns, "hello-1", "", nil, nil))
			w.put(revision(ns, "hello-1", "other", nil, nil))
		},
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantReady(k1, "hello-1-a", "hello-1-b"),
	}, {
		name:  "a revision's spec changing",
		step:  func(w *world) { w.put(revision(ns, "hello-2", "hello", ptr.To[int64](10), ptr.To[int64](60))) },
		delta: Delta{Revisions: []types.NamespacedName{k2}},
	}, {
		name:  "a new revision in another namespace",
		step:  func(w *world) { w.put(revision("other", "hello-1", "hello", nil, nil)) },
		delta: Delta{Revisions: []types.NamespacedName{other1}},
		check: wantReady(other1, "hello-1-a"),
	}, {
		name:  "an SKS switching to Proxy",
		step:  func(w *world) { w.put(sks(ns, "hello-1", networkingv1alpha1.SKSModeProxy)) },
		delta: Delta{Revisions: []types.NamespacedName{k1}},
		check: wantProxy(k1, true),
	}, {
		name:  "an SKS switching to Serve",
		step:  func(w *world) { w.put(sks(ns, "hello-2", networkingv1alpha1.SKSModeServe)) },
		delta: Delta{Revisions: []types.NamespacedName{k2}},
		check: wantProxy(k2, false),
	}, {
		name:  "an SKS deleted",
		step:  func(w *world) { w.del(sks(ns, "hello-2", "")) },
		delta: Delta{Revisions: []types.NamespacedName{k2}},
		check: wantProxy(k2, false),
	}, {
		name:  "a Route changing",
		step:  func(w *world) { w.put(route(ns, "hello", "hello-1", "hello-2")) },
		delta: Delta{Routes: true},
	}, {
		name:  "a Route created",
		step:  func(w *world) { w.put(route("a-first", "hello", "hello-1")) },
		delta: Delta{Routes: true},
	}, {
		name:  "the last Route deleted",
		step:  func(w *world) { w.del(route(ns, "hello")) },
		delta: Delta{Routes: true},
		check: func(t *testing.T, s *Serving) {
			if len(s.Routes) != 0 {
				t.Errorf("routes = %v, want none", s.Routes)
			}
		},
	}, {
		name: "changes across namespaces, sorted",
		step: func(w *world) {
			w.put(sks(ns, "hello-2", networkingv1alpha1.SKSModeServe))
			w.put(revPod("other", "hello-1-a", "hello-1", false, false))
			w.put(revision("a-first", "x", "", nil, nil))
			w.put(revPod(ns, "hello-1-a", "hello-1", false, false))
		},
		delta: Delta{Revisions: []types.NamespacedName{key("a-first", "x"), k1, k2, other1}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t)
			base(w)
			w.take()
			tr, snap, err := NewTracker(ctx, w.c)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ReadServing(ctx, w.c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, snap, servingEqual); diff != "" {
				t.Fatalf("NewTracker's snapshot (-ReadServing +tracker):\n%s", diff)
			}
			was := readyPods(t, w.c)
			tc.step(w)
			got, d := check(t, w, tr, snap, was)
			if diff := cmp.Diff(tc.delta, d); diff != "" {
				t.Errorf("delta (-want +got):\n%s", diff)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func wantReady(k types.NamespacedName, pods ...string) func(t *testing.T, s *Serving) {
	return func(t *testing.T, s *Serving) {
		t.Helper()
		if diff := cmp.Diff(pods, s.Revisions[k].ReadyPods, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ready pods of %s (-want +got):\n%s", k, diff)
		}
	}
}

func wantProxy(k types.NamespacedName, proxy bool) func(t *testing.T, s *Serving) {
	return func(t *testing.T, s *Serving) {
		t.Helper()
		info, ok := s.Revisions[k]
		if !ok || info.Proxy != proxy {
			t.Errorf("%s: proxy = %v (present %v), want %v", k, info.Proxy, ok, proxy)
		}
	}
}

// After any sequence of writes, the tracker's snapshot is what ReadServing
// reads and its delta names the revisions that may have changed, among
// them every one that did.
func TestTrackerRandomWrites(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			randomWrites(t, seed, 300)
		})
	}
}

func randomWrites(t *testing.T, seed uint64, steps int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 0))
	w := newWorld(t)
	nss := []string{"default", "other"}
	revs := []string{"r0", "r1", "r2", "r3"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	optInt := func(xs ...int64) *int64 {
		i := rng.IntN(len(xs) + 1)
		if i == len(xs) {
			return nil
		}
		return ptr.To(xs[i])
	}
	podNames := []string{"p0", "p1", "p2", "p3", "p4", "p5"}
	exists := func(obj client.Object) (client.Object, bool) {
		cur := obj.DeepCopyObject().(client.Object)
		err := w.c.Get(ctx, client.ObjectKeyFromObject(obj), cur)
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		return cur, err == nil
	}
	// write makes one random write.
	write := func() string {
		ns := pick(nss)
		switch op := rng.IntN(12); op {
		case 0:
			name := pick([]string{"a", "b"})
			if _, ok := exists(route(ns, name)); ok && rng.IntN(3) == 0 {
				w.del(route(ns, name))
				return "delete route " + ns + "/" + name
			}
			w.put(route(ns, name, pick(revs), pick(revs)))
			return "put route " + ns + "/" + name
		case 1, 2:
			name := pick(revs)
			if _, ok := exists(revision(ns, name, "", nil, nil)); ok && rng.IntN(3) == 0 {
				w.del(revision(ns, name, "", nil, nil))
				return "delete revision " + ns + "/" + name
			}
			w.put(revision(ns, name, pick([]string{"", "s0", "s1"}), optInt(0, 1, 10), optInt(30, 600)))
			return "put revision " + ns + "/" + name
		case 3, 4:
			name := pick(revs)
			if _, ok := exists(sks(ns, name, "")); ok && rng.IntN(4) == 0 {
				w.del(sks(ns, name, ""))
				return "delete sks " + ns + "/" + name
			}
			mode := networkingv1alpha1.SKSModeServe
			if rng.IntN(2) == 0 {
				mode = networkingv1alpha1.SKSModeProxy
			}
			w.put(sks(ns, name, mode))
			return fmt.Sprintf("put sks %s/%s %s", ns, name, mode)
		default:
			name := pick(podNames)
			cur, ok := exists(revPod(ns, name, "", false, false))
			switch {
			case ok && cur.GetDeletionTimestamp() != nil && rng.IntN(2) == 0:
				w.release(ns, name)
				return "release pod " + ns + "/" + name
			case ok && rng.IntN(4) == 0:
				w.del(cur)
				return "delete pod " + ns + "/" + name
			}
			rev := pick(append([]string{"", "r4"}, revs...))
			ready := rng.IntN(3) != 0
			w.put(revPod(ns, name, rev, ready, rng.IntN(2) == 0))
			return fmt.Sprintf("put pod %s/%s rev %q ready %v", ns, name, rev, ready)
		}
	}

	tr, snap, err := NewTracker(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	w.take()
	prev, err := ReadServing(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for step := range steps {
		was := readyPods(t, w.c)
		n := 1 + rng.IntN(3)
		for range n {
			log = append(log, fmt.Sprintf("step %d: %s", step, write()))
		}
		if rng.IntN(10) == 0 {
			// The plane may name an object that did not change.
			w.ch.Revisions = append(w.ch.Revisions, key(pick(nss), pick(revs)))
		}
		if !t.Run(fmt.Sprintf("step %d", step), func(t *testing.T) {
			got, d := check(t, w, tr, snap, was)
			// Every revision whose RevisionInfo changed is named.
			for k := range mergedKeys(prev.Revisions, got.Revisions) {
				a, inA := prev.Revisions[k]
				b, inB := got.Revisions[k]
				if (inA != inB || !cmp.Equal(a, b)) && !slices.Contains(d.Revisions, k) {
					t.Errorf("%s changed but is not in the delta %v", k, d.Revisions)
				}
			}
			prev = got.Clone()
		}) {
			t.Fatalf("writes so far:\n%s", strings.Join(log, "\n"))
		}
	}
}

func mergedKeys[V any](a, b map[types.NamespacedName]V) map[types.NamespacedName]bool {
	out := map[types.NamespacedName]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// A clone keeps the snapshot as it was when later updates change the
// tracker's, and changing the clone leaves the tracker's alone.
func TestServingClone(t *testing.T) {
	ctx := context.Background()
	const ns = "default"
	w := newWorld(t)
	w.put(route(ns, "hello", "hello-1"))
	w.put(revision(ns, "hello-1", "hello", ptr.To[int64](1), nil))
	w.put(revision(ns, "hello-2", "hello", nil, nil))
	w.put(sks(ns, "hello-1", networkingv1alpha1.SKSModeServe))
	w.put(revPod(ns, "hello-1-a", "hello-1", true, false))
	w.put(revPod(ns, "hello-1-b", "hello-1", true, false))
	w.take()
	tr, snap, err := NewTracker(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	then, err := ReadServing(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	clone := snap.Clone()
	if diff := cmp.Diff(then, clone, servingEqual); diff != "" {
		t.Fatalf("clone (-ReadServing +clone):\n%s", diff)
	}

	// The tracker's updates leave the clone alone.
	was := readyPods(t, w.c)
	w.put(route(ns, "hello", "hello-2"))
	w.put(route(ns, "second", "hello-2"))
	w.put(revision(ns, "hello-1", "hello", ptr.To[int64](5), nil))
	w.del(revision(ns, "hello-2", "", nil, nil))
	w.put(sks(ns, "hello-1", networkingv1alpha1.SKSModeProxy))
	w.put(revPod(ns, "hello-1-a", "hello-1", false, false))
	w.put(revision(ns, "hello-3", "hello", nil, nil))
	check(t, w, tr, snap, was)
	if diff := cmp.Diff(then, clone, servingEqual); diff != "" {
		t.Errorf("clone after the tracker's update (-before +clone):\n%s", diff)
	}

	// Changing the clone leaves the tracker alone.
	now, err := ReadServing(ctx, w.c)
	if err != nil {
		t.Fatal(err)
	}
	clone.Routes[0] = nil
	clone.Routes = append(clone.Routes, &servingv1.Route{})
	delete(clone.Revisions, key(ns, "hello-1"))
	clone.Revisions[key(ns, "hello-3")] = RevisionInfo{Service: "changed"}
	clone2 := snap.Clone()
	clone2.Revisions[key(ns, "hello-1")] = RevisionInfo{Timeout: time.Hour}
	if diff := cmp.Diff(now, snap, servingEqual); diff != "" {
		t.Errorf("tracker's snapshot after changing clones (-ReadServing +tracker):\n%s", diff)
	}
	// And the tracker goes on from its own state.
	was = readyPods(t, w.c)
	w.put(revPod(ns, "hello-1-a", "hello-1", true, false))
	check(t, w, tr, snap, was)
}
