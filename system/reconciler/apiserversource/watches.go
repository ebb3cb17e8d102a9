package apiserversource

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler/apiserversource/resources"
	"github.com/knsim/knsim/system/source"
)

// Informers supplies shared informers; the manager's cache is one.
type Informers interface {
	GetInformer(ctx context.Context, obj client.Object, opts ...cache.InformerGetOption) (cache.Informer, error)
	RemoveInformer(ctx context.Context, obj client.Object) error
}

// registration is one handler on one informer.
type registration struct {
	gvk      schema.GroupVersionKind
	informer cache.Informer
	handle   toolscache.ResourceEventHandlerRegistration
}

// watch is what runs for one source: its configuration and handlers.
type watch struct {
	config string
	regs   []registration
}

// watches runs the handlers of every source and counts, per kind, how
// many sources use its informer.
type watches struct {
	informers Informers

	mu      sync.Mutex
	sources map[types.NamespacedName]*watch
	users   map[schema.GroupVersionKind]int
}

func newWatches(inf Informers) *watches {
	return &watches{informers: inf, sources: map[types.NamespacedName]*watch{}, users: map[schema.GroupVersionKind]int{}}
}

// handler turns informer notifications into events of one source.
type handler struct {
	ctx      context.Context
	src      *sourcesv1.ApiServerSource
	sinkURI  string
	selector labels.Selector
	inNS     func(namespace string) bool
	emitter  source.Emitter
	clock    clock.PassiveClock
}

// ensure makes the handlers of src (whose sink resolved to sinkURI) run,
// replacing those of an older configuration. inNS says whether a
// namespace is watched.
func (w *watches) ensure(ctx context.Context, src *sourcesv1.ApiServerSource, sinkURI string, emitter source.Emitter,
	inNS func(string) bool, clk clock.PassiveClock) error {
	key := types.NamespacedName{Namespace: src.Namespace, Name: src.Name}
	cfg, err := json.Marshal(struct {
		UID  types.UID
		Spec sourcesv1.ApiServerSourceSpec
		Sink string
	}{src.UID, src.Spec, sinkURI})
	if err != nil {
		return fmt.Errorf("encoding apiserversource %s: %w", key, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if cur := w.sources[key]; cur != nil && cur.config == string(cfg) {
		return nil
	}
	w.stopLocked(ctx, key)
	run := &watch{config: string(cfg)}
	for _, res := range src.Spec.Resources {
		gvk := schema.FromAPIVersionAndKind(res.APIVersion, res.Kind)
		sel := labels.Everything()
		if res.LabelSelector != nil {
			if sel, err = metav1.LabelSelectorAsSelector(res.LabelSelector); err != nil {
				w.stopRun(ctx, run)
				return fmt.Errorf("label selector of %s: %w", res.Kind, err)
			}
		}
		h := &handler{ctx: context.WithoutCancel(ctx), src: src.DeepCopy(), sinkURI: sinkURI, selector: sel,
			inNS: inNS, emitter: emitter, clock: clk}
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		inf, err := w.informers.GetInformer(ctx, u)
		if err != nil {
			w.stopRun(ctx, run)
			return fmt.Errorf("watching %s: %w", gvk.Kind, err)
		}
		w.users[gvk]++
		handle, err := inf.AddEventHandler(h.funcs())
		run.regs = append(run.regs, registration{gvk: gvk, informer: inf, handle: handle})
		if err != nil {
			w.stopRun(ctx, run)
			return fmt.Errorf("watching %s: %w", gvk.Kind, err)
		}
	}
	w.sources[key] = run
	return nil
}

// stop removes the handlers of the source key, if any.
func (w *watches) stop(ctx context.Context, key types.NamespacedName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopLocked(ctx, key)
}

func (w *watches) stopLocked(ctx context.Context, key types.NamespacedName) {
	if run := w.sources[key]; run != nil {
		w.stopRun(ctx, run)
		delete(w.sources, key)
	}
}

// stopRun removes run's handlers and stops informers no source uses.
func (w *watches) stopRun(ctx context.Context, run *watch) {
	for _, reg := range run.regs {
		if reg.handle != nil {
			if err := reg.informer.RemoveEventHandler(reg.handle); err != nil {
				log.FromContext(ctx).Error(err, "removing apiserversource handler", "kind", reg.gvk.Kind)
			}
		}
		w.users[reg.gvk]--
		if w.users[reg.gvk] > 0 {
			continue
		}
		delete(w.users, reg.gvk)
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(reg.gvk)
		if err := w.informers.RemoveInformer(ctx, u); err != nil {
			log.FromContext(ctx).Error(err, "stopping informer", "kind", reg.gvk.Kind)
		}
	}
	run.regs = nil
}

// running reports how many sources have handlers, for tests.
func (w *watches) running() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.sources)
}

func (h *handler) funcs() toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, isInInitialList bool) {
			// Like Knative's adapter, objects that existed when the watch
			// started are not news.
			if !isInInitialList {
				h.emit(resources.Add, obj)
			}
		},
		UpdateFunc: func(oldObj, newObj any) {
			o, okOld := oldObj.(*unstructured.Unstructured)
			n, okNew := newObj.(*unstructured.Unstructured)
			if okOld && okNew && o.GetResourceVersion() == n.GetResourceVersion() {
				return // a resync, not a change
			}
			h.emit(resources.Update, newObj)
		},
		DeleteFunc: func(obj any) {
			if tomb, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			h.emit(resources.Delete, obj)
		},
	}
}

func (h *handler) emit(op resources.Operation, obj any) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok || !h.inNS(u.GetNamespace()) || !resources.Matches(h.selector, u) || !resources.OwnedBy(h.src.Spec.ResourceOwner, u) {
		return
	}
	ev, err := resources.MakeEvent(h.src, op, u, h.clock.Now())
	if err == nil {
		err = h.emitter.Emit(h.ctx, h.sinkURI, ev)
	}
	if err != nil {
		log.FromContext(h.ctx).Error(err, "emitting apiserversource event", "source", h.src.Name, "object", u.GetName())
	}
}
