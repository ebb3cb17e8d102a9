package barrier

import (
	"context"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Reader returns a reader for a quiescent control plane: Get and List of a
// kind some observed handler watches are served from cached (the informer
// cache those handlers are fed from), any other kind from direct (the
// apiserver).
//
// Once Wait has returned, the cache holds every version the stack wrote of
// the watched kinds (that is what Wait waits for), so a read from it equals
// a read from the apiserver, without the request: a scenario run reads the
// data plane's topology after every instant that wrote something. List
// results are sorted by namespace and name, the order the apiserver lists
// in. Reads while the control plane is busy may see the cache behind the
// apiserver.
func (b *Barrier) Reader(cached, direct client.Reader) client.Reader {
	return &routingReader{b: b, cached: cached, direct: direct}
}

type routingReader struct {
	b              *Barrier
	cached, direct client.Reader
}

// watchedKind reports whether some handler watches obj's kind (for a list,
// its items' kind).
func (r *routingReader) watchedKind(obj runtime.Object) bool {
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" {
		var err error
		if gvk, err = apiutil.GVKForObject(obj, r.b.scheme); err != nil {
			return false
		}
	}
	gk := schema.GroupKind{Group: gvk.Group, Kind: gvk.Kind}
	if meta.IsListType(obj) {
		gk.Kind = strings.TrimSuffix(gk.Kind, "List")
	}
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	_, ok := r.b.watched[gk]
	return ok
}

// Get implements client.Reader.
func (r *routingReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if r.watchedKind(obj) {
		return r.cached.Get(ctx, key, obj, opts...)
	}
	return r.direct.Get(ctx, key, obj, opts...)
}

// List implements client.Reader.
func (r *routingReader) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if !r.watchedKind(list) {
		return r.direct.List(ctx, list, opts...)
	}
	if err := r.cached.List(ctx, list, opts...); err != nil {
		return err
	}
	return sortList(list)
}

// sortList orders list's items by namespace and name.
func sortList(list client.ObjectList) error {
	items, err := meta.ExtractList(list)
	if err != nil || len(items) < 2 {
		return err
	}
	keys := make([]string, len(items))
	for i, it := range items {
		o, err := meta.Accessor(it)
		if err != nil {
			return err
		}
		keys[i] = o.GetNamespace() + "/" + o.GetName()
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	sorted := make([]runtime.Object, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	return meta.SetList(list, sorted)
}
