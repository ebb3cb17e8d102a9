package barrier_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/util/workqueue"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/sim/barrier"
)

// Wait runs the quiescence hooks once the control plane is idle, and again
// as long as one of them reports it gave the control plane work.
func TestWaitRunsQuiescenceHooks(t *testing.T) {
	b, err := barrier.New(runtime.NewScheme(), clocktesting.NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	rounds := 2 // the first hook has work twice, then none
	b.OnQuiescent(func() bool {
		calls = append(calls, "first")
		rounds--
		return rounds >= 0
	})
	b.OnQuiescent(func() bool {
		calls = append(calls, "second")
		return false
	})
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"first", "second", "first", "second", "first", "second"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

// New refuses a missing scheme or clock.
func TestNewValidates(t *testing.T) {
	if _, err := barrier.New(nil, clocktesting.NewFakeClock(time.Unix(0, 0))); err == nil {
		t.Error("New(nil scheme) succeeded")
	}
	if _, err := barrier.New(runtime.NewScheme(), nil); err == nil {
		t.Error("New(nil clock) succeeded")
	}
}

// A queued or reconciling item keeps the control plane busy until it is
// done, however it came back in between.
func TestQueueKeepsBusyUntilDone(t *testing.T) {
	b, err := barrier.New(runtime.NewScheme(), clocktesting.NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	rl := workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]()
	q := b.WrapQueue("c", workqueue.NewTypedRateLimitingQueue(rl), rl)
	defer q.ShutDown()
	item := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "default", Name: "a"}}
	steps := []struct {
		name string
		do   func()
		idle bool
	}{
		{"added", func() { q.Add(item) }, false},
		{"added twice", func() { q.Add(item) }, false},
		{"taken", func() { q.Get() }, false},
		{"added while reconciling", func() { q.Add(item) }, false},
		{"done, queued again", func() { q.Done(item) }, false},
		{"taken again", func() { q.Get() }, false},
		{"done", func() { q.Done(item) }, true},
	}
	for _, s := range steps {
		s.do()
		if got := b.Quiescent(); got != s.idle {
			t.Fatalf("after %s: Quiescent() = %v, want %v", s.name, got, s.idle)
		}
	}
}

// WaitStarted returns once every controller that registered a handler has
// its workqueue, and says which have not when ctx ends first.
func TestWaitStarted(t *testing.T) {
	b, err := barrier.New(clientgoscheme.Scheme, clocktesting.NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	b.WrapHandler("pods", &corev1.Pod{}, &handler.EnqueueRequestForObject{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := b.WaitStarted(ctx); err == nil || !strings.Contains(err.Error(), "pods") {
		t.Fatalf("WaitStarted before the queue exists: %v, want an error naming the controller", err)
	}
	rl := workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]()
	q := b.WrapQueue("pods", workqueue.NewTypedRateLimitingQueue(rl), rl)
	defer q.ShutDown()
	if err := b.WaitStarted(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := b.Watched(); len(got) != 1 {
		t.Errorf("Watched() = %v, want one Pod", got)
	} else if _, ok := got[0].(*corev1.Pod); !ok {
		t.Errorf("Watched() = %T, want a Pod", got[0])
	}
}

// Reader serves the kinds a handler watches from the cache, sorted as the
// apiserver lists, and every other kind from the apiserver.
func TestReaderRoutesByKind(t *testing.T) {
	b, err := barrier.New(clientgoscheme.Scheme, clocktesting.NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	b.WrapHandler("pods", &corev1.Pod{}, &handler.EnqueueRequestForObject{})
	pod := func(ns, name string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	}
	// The cache lists in no particular order; the fake lists sorted, so
	// its items are reversed to stand for a cache.
	cached := fake.NewClientBuilder().WithObjects(pod("b", "x"), pod("a", "z"), pod("a", "y")).Build()
	reversed := interceptor.NewClient(cached, interceptor.Funcs{
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if err := c.List(ctx, list, opts...); err != nil {
				return err
			}
			if pl, ok := list.(*corev1.PodList); ok {
				slices.Reverse(pl.Items)
			}
			return nil
		},
	})
	direct := fake.NewClientBuilder().WithObjects(
		pod("a", "direct"),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "config"}},
	).Build()
	r := b.Reader(reversed, direct)

	var pods corev1.PodList
	if err := r.List(context.Background(), &pods); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pods.Items {
		names = append(names, p.Namespace+"/"+p.Name)
	}
	if diff := cmp.Diff([]string{"a/y", "a/z", "b/x"}, names); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	if err := r.Get(context.Background(), client.ObjectKey{Namespace: "a", Name: "direct"}, &corev1.Pod{}); err == nil {
		t.Error("Get of a pod reached the apiserver, want the cache")
	}
	if err := r.Get(context.Background(), client.ObjectKey{Namespace: "a", Name: "config"}, &corev1.ConfigMap{}); err != nil {
		t.Errorf("Get of an unwatched kind: %v, want it from the apiserver", err)
	}
}
