package memory

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/stack"
)

// A reconcile is made due by a write only when it could have seen it: a
// list read under a label selector by writes of objects the selector
// matches before or after the write, a list read without one by any write
// of the kind in the namespace, an object read by a write of that object,
// and any reconcile by a write of its own object.
func TestDepsDueAfterWrites(t *testing.T) {
	ctx := context.Background()
	web := map[string]string{"app": "web"}
	api := map[string]string{"app": "api"}
	// The reconcilers: 0 reconciles Deployments, 1 ConfigMaps.
	rs := []stack.Reconciler{{Name: "deployments", List: &appsv1.DeploymentList{}}, {Name: "configmaps", List: &corev1.ConfigMapList{}}}
	webKey := types.NamespacedName{Namespace: "default", Name: "web"}

	listPods := func(opts ...client.ListOption) func(s *store) error {
		return func(s *store) error { return s.List(ctx, &corev1.PodList{}, opts...) }
	}
	selected := listPods(client.InNamespace("default"), client.MatchingLabels(web))
	unselected := listPods(client.InNamespace("default"), client.MatchingLabelsSelector{Selector: mustSelector(t, "!app")})
	getPod := func(s *store) error {
		err := s.Get(ctx, types.NamespacedName{Namespace: "default", Name: "p1"}, &corev1.Pod{})
		return client.IgnoreNotFound(err)
	}
	create := func(o client.Object) func(s *store) error {
		return func(s *store) error { return s.Create(ctx, o.DeepCopyObject().(client.Object)) }
	}
	relabel := func(ns, name string, lbls map[string]string) func(s *store) error {
		return func(s *store) error {
			p := &corev1.Pod{}
			if err := s.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, p); err != nil {
				return err
			}
			p.Labels = lbls
			return s.Update(ctx, p)
		}
	}
	deletePod := func(ns, name string) func(s *store) error {
		return func(s *store) error {
			return s.Delete(ctx, &corev1.Pod{ObjectMeta: testPod(ns, name, nil).ObjectMeta})
		}
	}
	// Every case starts from these objects.
	existing := []client.Object{
		testPod("default", "p1", web), testPod("default", "p2", api), testPod("other", "p1", web),
		testDeployment("web", 1, 0), testDeployment("api", 1, 0),
	}

	cases := []struct {
		name string
		// reads are what reconciler 0's reconcile of default/web reads,
		// in turn (each replaces the reads of the one before).
		reads   []func(s *store) error
		write   func(s *store) error
		wantDue bool
	}{
		{name: "selector: create of a matching pod", reads: reads(selected), write: create(testPod("default", "new", web)), wantDue: true},
		{name: "selector: create of a pod it does not match", reads: reads(selected), write: create(testPod("default", "new", api))},
		{name: "selector: relabel into the selector", reads: reads(selected), write: relabel("default", "p2", web), wantDue: true},
		{name: "selector: relabel out of the selector", reads: reads(selected), write: relabel("default", "p1", api), wantDue: true},
		{name: "selector: update of a pod it does not match", reads: reads(selected), write: relabel("default", "p2", map[string]string{"app": "api", "x": "y"})},
		{name: "selector: delete of a matching pod", reads: reads(selected), write: deletePod("default", "p1"), wantDue: true},
		{name: "selector: delete of a pod it does not match", reads: reads(selected), write: deletePod("default", "p2")},
		{name: "selector: matching pod in another namespace", reads: reads(selected), write: relabel("other", "p1", map[string]string{"app": "web", "x": "y"})},
		{name: "selector: another kind with matching labels", reads: reads(selected), write: create(configMap("default", "cm", web, nil))},
		{name: "selector on a missing label: create of a pod without labels", reads: reads(unselected), write: create(testPod("default", "new", nil)), wantDue: true},
		{name: "selector on a missing label: create of a labelled pod", reads: reads(unselected), write: create(testPod("default", "new", web))},
		{name: "selector on a missing label: pod losing its labels", reads: reads(unselected), write: relabel("default", "p1", nil), wantDue: true},
		{name: "no selector: any pod of the namespace", reads: reads(listPods(client.InNamespace("default"))), write: create(testPod("default", "new", nil)), wantDue: true},
		{name: "no selector: a pod of another namespace", reads: reads(listPods(client.InNamespace("default"))), write: create(testPod("other", "new", web))},
		{name: "no selector: another kind", reads: reads(listPods(client.InNamespace("default"))), write: create(configMap("default", "cm", nil, nil))},
		{name: "all namespaces: a pod of any namespace", reads: reads(listPods()), write: create(testPod("other", "new", nil)), wantDue: true},
		{name: "all namespaces under a selector: a pod it does not match", reads: reads(listPods(client.MatchingLabels(web))), write: create(testPod("other", "new", api))},
		{name: "selector and no selector: any pod", reads: reads(selected, listPods(client.InNamespace("default"))), write: create(testPod("default", "new", api)), wantDue: true},
		{name: "object: write of that object", reads: reads(getPod), write: relabel("default", "p1", api), wantDue: true},
		{name: "object: delete of that object", reads: reads(getPod), write: deletePod("default", "p1"), wantDue: true},
		{name: "object: write of another object", reads: reads(getPod), write: relabel("default", "p2", web)},
		{name: "object: same name in another namespace", reads: reads(getPod), write: relabel("other", "p1", api)},
		{name: "object: same name, another kind", reads: reads(getPod), write: create(configMap("default", "p1", nil, nil))},
		{name: "object: missing object, then created", reads: reads(func(s *store) error {
			return client.IgnoreNotFound(s.Get(ctx, types.NamespacedName{Namespace: "default", Name: "later"}, &corev1.Pod{}))
		}), write: create(testPod("default", "later", nil)), wantDue: true},
		{name: "own kind: write of the object itself", write: func(s *store) error {
			d := &appsv1.Deployment{}
			if err := s.Get(ctx, webKey, d); err != nil {
				return err
			}
			d.Spec.Replicas = new(int32)
			return s.Update(ctx, d)
		}, wantDue: true},
		{name: "own kind: write of another object of the kind", write: func(s *store) error {
			return s.Delete(ctx, testDeployment("api", 0, 0))
		}},
		{name: "a later reconcile forgets earlier reads", reads: reads(selected, nothing), write: create(testPod("default", "new", web))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			d, err := newDeps(rs, s.Scheme())
			if err != nil {
				t.Fatal(err)
			}
			s.onRead, s.onWrite = d.read, d.wrote
			seed(t, s, existing...)
			for _, read := range tc.reads {
				d.begin(0, webKey)
				if err := read(s); err != nil {
					t.Fatal(err)
				}
				d.end()
			}
			d.setAll(false)
			d.clearPending()
			if d.pendingAny() {
				t.Fatal("due before the write")
			}
			if err := tc.write(s); err != nil {
				t.Fatal(err)
			}
			if got := d.due(0) && d.take(0, webKey); got != tc.wantDue {
				t.Errorf("due = %v, want %v", got, tc.wantDue)
			}
		})
	}
}

// reads lists the reads of successive reconciles.
func reads(rs ...func(s *store) error) []func(s *store) error { return rs }

// nothing is a reconcile that reads nothing.
func nothing(*store) error { return nil }

// What a write makes due is exactly the readers it concerns, each once,
// and taking an object makes it no longer due.
func TestDepsPending(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t)
	rs := []stack.Reconciler{{Name: "deployments", List: &appsv1.DeploymentList{}}, {Name: "configmaps", List: &corev1.ConfigMapList{}}}
	d, err := newDeps(rs, s.Scheme())
	if err != nil {
		t.Fatal(err)
	}
	s.onRead, s.onWrite = d.read, d.wrote
	a := types.NamespacedName{Namespace: "default", Name: "a"}
	b := types.NamespacedName{Namespace: "default", Name: "b"}
	c := types.NamespacedName{Namespace: "other", Name: "c"}
	record := func(r int, key types.NamespacedName, read func() error) {
		d.begin(r, key)
		if err := read(); err != nil {
			t.Fatal(err)
		}
		d.end()
	}
	record(0, a, func() error {
		return s.List(ctx, &corev1.PodList{}, client.InNamespace("default"), client.MatchingLabels{"app": "a"})
	})
	record(0, b, func() error { return s.List(ctx, &corev1.PodList{}, client.InNamespace("default")) })
	record(1, c, func() error { return s.List(ctx, &corev1.PodList{}, client.InNamespace("other")) })
	d.setAll(false)
	d.clearPending()

	if err := s.Create(ctx, testPod("default", "p", map[string]string{"app": "a"})); err != nil {
		t.Fatal(err)
	}
	type state struct{ Due0, Due1, A, B, C, Any bool }
	// take empties what it reports, so read every key once.
	got := state{Due0: d.due(0), Due1: d.due(1)}
	got.A, got.B, got.C = d.take(0, a), d.take(0, b), d.take(1, c)
	got.Any = d.pendingAny()
	if diff := cmp.Diff(state{Due0: true, A: true, B: true}, got); diff != "" {
		t.Errorf("after a pod write (-want +got):\n%s", diff)
	}
}

// compareKeyStrings must order keys exactly as their String forms sort:
// the reconcile order of a settle (and so every result) depends on it.
func TestCompareKeyStrings(t *testing.T) {
	keys := []client.ObjectKey{
		{Namespace: "a", Name: "x"}, {Namespace: "a-b", Name: "a"}, {Namespace: "a0", Name: "a"},
		{Namespace: "ab", Name: "z"}, {Namespace: "", Name: "node-1"}, {Namespace: "default", Name: "web-00001"},
		{Namespace: "default", Name: "web"}, {Namespace: "default-x", Name: ""}, {Namespace: "a.b", Name: "c"},
		{Namespace: "a", Name: ""}, {Namespace: "a/b", Name: "c"}, {Namespace: "a", Name: "b/c"},
	}
	for _, a := range keys {
		for _, b := range keys {
			if got, want := compareKeyStrings(a, b), strings.Compare(a.String(), b.String()); got != want {
				t.Errorf("compareKeyStrings(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}
