package resolver

import (
	"context"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/knsim/knsim/system/apis/duck"
)

// Key names one referenced object by group, kind, namespace and name; the
// version does not matter for tracking.
type Key struct {
	// Group and Kind of the referenced object ("" is the core group).
	Group, Kind string
	// Namespace and Name of the referenced object.
	Namespace, Name string
}

// KeyOf returns the Key of ref, defaulting its namespace to namespace.
// A reference whose apiVersion does not parse yields a Key with the
// apiVersion as its group, which matches nothing.
func KeyOf(ref duck.KReference, namespace string) Key {
	if ref.Namespace != "" {
		namespace = ref.Namespace
	}
	group := ref.APIVersion
	if gv, err := schema.ParseGroupVersion(ref.APIVersion); err == nil {
		group = gv.Group
	}
	return Key{Group: group, Kind: ref.Kind, Namespace: namespace, Name: ref.Name}
}

// Tracker records, for each referrer, the objects it depends on, and maps
// an event on one of them back to its referrers. All methods are safe for
// concurrent use and a nil Tracker tracks nothing.
type Tracker struct {
	mu        sync.Mutex
	referrers map[Key]map[types.NamespacedName]struct{}
	deps      map[types.NamespacedName][]Key
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker {
	return &Tracker{
		referrers: map[Key]map[types.NamespacedName]struct{}{},
		deps:      map[types.NamespacedName][]Key{},
	}
}

// Track replaces the set of objects referrer depends on.
func (t *Tracker) Track(referrer types.NamespacedName, deps ...Key) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forgetLocked(referrer)
	if len(deps) == 0 {
		return
	}
	t.deps[referrer] = deps
	for _, k := range deps {
		set := t.referrers[k]
		if set == nil {
			set = map[types.NamespacedName]struct{}{}
			t.referrers[k] = set
		}
		set[referrer] = struct{}{}
	}
}

// Forget drops everything referrer depended on.
func (t *Tracker) Forget(referrer types.NamespacedName) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forgetLocked(referrer)
}

func (t *Tracker) forgetLocked(referrer types.NamespacedName) {
	for _, k := range t.deps[referrer] {
		delete(t.referrers[k], referrer)
		if len(t.referrers[k]) == 0 {
			delete(t.referrers, k)
		}
	}
	delete(t.deps, referrer)
}

// Referrers returns the referrers of k, sorted.
func (t *Tracker) Referrers(k Key) []types.NamespacedName {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]types.NamespacedName, 0, len(t.referrers[k]))
	for r := range t.referrers[k] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// EnqueueReferrers returns a handler for objects of gk that enqueues
// every referrer tracked as depending on the changed object.
func (t *Tracker) EnqueueReferrers(gk schema.GroupKind) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		refs := t.Referrers(Key{Group: gk.Group, Kind: gk.Kind, Namespace: o.GetNamespace(), Name: o.GetName()})
		reqs := make([]reconcile.Request, len(refs))
		for i, r := range refs {
			reqs[i] = reconcile.Request{NamespacedName: r}
		}
		return reqs
	})
}

// Watch is one kind to watch for a Tracker: the object to watch and the
// handler that enqueues its referrers.
type Watch struct {
	// Object is an empty object of the kind to watch.
	Object client.Object
	// Handler enqueues the referrers of a changed object.
	Handler handler.EventHandler
}

// Watches returns a Watch per object kind in objs (typed objects of
// scheme), each enqueueing the referrers t tracks.
func (t *Tracker) Watches(scheme *runtime.Scheme, objs ...client.Object) ([]Watch, error) {
	out := make([]Watch, 0, len(objs))
	for _, o := range objs {
		gvk, err := apiutil.GVKForObject(o, scheme)
		if err != nil {
			return nil, err
		}
		out = append(out, Watch{Object: o, Handler: t.EnqueueReferrers(gvk.GroupKind())})
	}
	return out, nil
}
