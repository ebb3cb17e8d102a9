package apiserversource

import (
	"context"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllertest"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/source"
)

// fakeReg is a handler registration; only its identity is used.
type fakeReg struct {
	toolscache.ResourceEventHandlerRegistration
}

// fakeInformer records its handlers and really removes them.
type fakeInformer struct {
	*controllertest.FakeInformer
	mu       sync.Mutex
	handlers map[*fakeReg]toolscache.ResourceEventHandler
}

func (f *fakeInformer) AddEventHandler(h toolscache.ResourceEventHandler) (toolscache.ResourceEventHandlerRegistration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := &fakeReg{}
	f.handlers[key] = h
	return key, nil
}

func (f *fakeInformer) RemoveEventHandler(r toolscache.ResourceEventHandlerRegistration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.handlers, r.(*fakeReg))
	return nil
}

func (f *fakeInformer) each(fn func(toolscache.ResourceEventHandler)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.handlers {
		fn(h)
	}
}

// fakeInformers hands out one fakeInformer per kind and counts removals.
type fakeInformers struct {
	informers map[string]*fakeInformer
	removed   []string
}

func (f *fakeInformers) GetInformer(_ context.Context, obj client.Object, _ ...cache.InformerGetOption) (cache.Informer, error) {
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if f.informers[kind] == nil {
		f.informers[kind] = &fakeInformer{FakeInformer: &controllertest.FakeInformer{}, handlers: map[*fakeReg]toolscache.ResourceEventHandler{}}
	}
	return f.informers[kind], nil
}

func (f *fakeInformers) RemoveInformer(_ context.Context, obj client.Object) error {
	f.removed = append(f.removed, obj.GetObjectKind().GroupVersionKind().Kind)
	return nil
}

func configMap(ns, name, rv string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetResourceVersion(rv)
	u.SetLabels(labels)
	return u
}

func TestWatches(t *testing.T) {
	ctx := context.Background()
	inf := &fakeInformers{informers: map[string]*fakeInformer{}}
	w := newWatches(inf)
	src := &sourcesv1.ApiServerSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "src", UID: "su"},
		Spec: sourcesv1.ApiServerSourceSpec{
			EventMode: "Resource",
			Resources: []sourcesv1.APIVersionKindSelector{{APIVersion: "v1", Kind: "ConfigMap",
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"watch": "yes"}}}},
		},
	}
	rec := &source.Recorder{}
	inNS := func(ns string) bool { return ns == "ns" }
	clk := clocktesting.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for range 2 { // the same configuration twice registers once
		if err := w.ensure(ctx, src, "http://sink", rec, inNS, clk); err != nil {
			t.Fatal(err)
		}
	}
	cms := inf.informers["ConfigMap"]
	if n := len(cms.handlers); n != 1 {
		t.Fatalf("%d handlers, want 1", n)
	}
	watched := map[string]string{"watch": "yes"}
	cms.each(func(h toolscache.ResourceEventHandler) {
		h.OnAdd(configMap("ns", "existing", "1", watched), true) // initial list: not news
		h.OnAdd(configMap("ns", "other-label", "2", nil), false)
		h.OnAdd(configMap("elsewhere", "cm", "3", watched), false)
		h.OnAdd(configMap("ns", "cm", "4", watched), false)
		h.OnUpdate(configMap("ns", "cm", "4", watched), configMap("ns", "cm", "4", watched)) // resync
		h.OnUpdate(configMap("ns", "cm", "4", watched), configMap("ns", "cm", "5", watched))
		h.OnDelete(toolscache.DeletedFinalStateUnknown{Key: "ns/cm", Obj: configMap("ns", "cm", "5", watched)})
	})
	var types []string
	for _, e := range rec.Events() {
		types = append(types, e.Event.Type()+" "+e.Event.Subject())
	}
	want := []string{
		"dev.knative.apiserver.resource.add /apis/v1/namespaces/ns/configmaps/cm",
		"dev.knative.apiserver.resource.update /apis/v1/namespaces/ns/configmaps/cm",
		"dev.knative.apiserver.resource.delete /apis/v1/namespaces/ns/configmaps/cm",
	}
	if len(types) != len(want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Errorf("event %d = %q, want %q", i, types[i], want[i])
		}
	}

	// A changed spec replaces the handler; deleting the source removes it
	// and stops the informer nobody uses any more.
	src.Spec.EventMode = "Reference"
	if err := w.ensure(ctx, src, "http://sink", rec, inNS, clk); err != nil {
		t.Fatal(err)
	}
	if n := len(cms.handlers); n != 1 {
		t.Fatalf("after a spec change, %d handlers, want 1", n)
	}
	w.stop(ctx, typesKey(src))
	if n := len(cms.handlers); n != 0 || w.running() != 0 {
		t.Errorf("after stop, %d handlers and %d sources running", n, w.running())
	}
	if len(inf.removed) != 2 || inf.removed[1] != "ConfigMap" {
		t.Errorf("informers removed: %v", inf.removed)
	}
}

func typesKey(s *sourcesv1.ApiServerSource) types.NamespacedName {
	return types.NamespacedName{Namespace: s.Namespace, Name: s.Name}
}
