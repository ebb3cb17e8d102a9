package memory

import (
	"context"
	"reflect"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mirror keeps a typed copy of every stored object of the kinds read
// through it, as an informer's cache does for a controller, so reads cost a
// deep copy instead of the store's JSON round trip. It follows the store
// write by write: after each write the written object is read back from
// the store, so it always holds exactly what the store would return. A
// write it cannot attribute to one object (an apply configuration, an
// unknown kind, a failed create without a name) makes it read the affected
// kinds again in full on their next read.
//
// Lists are sorted by namespace and name, as the store sorts them; a list
// with a field selector, a limit or a continue token, and reads into
// unstructured or partial-metadata objects, go to the store.
type mirror struct {
	store  client.Client
	scheme *runtime.Scheme
	kinds  map[schema.GroupVersionKind]*kindMirror
}

// kindMirror is the mirror of one kind.
type kindMirror struct {
	typ      reflect.Type // the stored Go type (a pointer to a struct)
	listType reflect.Type // its list's Go type
	complete bool         // objs holds every stored object of the kind
	objs     map[client.ObjectKey]client.Object
	// byNS holds the keys of each namespace ("" for all), sorted; built
	// on the first list, then kept up to date.
	byNS map[string][]client.ObjectKey
}

// compareKeys orders keys by namespace, then name, as the store lists.
func compareKeys(a, b client.ObjectKey) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

func newMirror(store client.Client) *mirror {
	return &mirror{store: store, scheme: store.Scheme(), kinds: map[schema.GroupVersionKind]*kindMirror{}}
}

// kind returns the mirror of gvk for reads into obj's Go type, filling it
// from the store when it is not complete; ok is false when obj's type is
// not the kind's typed object (or list), which the caller then reads from
// the store.
func (m *mirror) kind(ctx context.Context, gvk schema.GroupVersionKind, obj runtime.Object) (*kindMirror, bool, error) {
	km := m.kinds[gvk]
	if km == nil {
		o, err := m.scheme.New(gvk)
		if err != nil {
			return nil, false, nil
		}
		l, err := m.scheme.New(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err != nil {
			return nil, false, nil
		}
		if _, ok := o.(client.Object); !ok {
			return nil, false, nil
		}
		km = &kindMirror{typ: reflect.TypeOf(o), listType: reflect.TypeOf(l)}
		m.kinds[gvk] = km
	}
	if t := reflect.TypeOf(obj); t != km.typ && t != km.listType {
		return nil, false, nil
	}
	if !km.complete {
		list := reflect.New(km.listType.Elem()).Interface().(client.ObjectList)
		if err := m.store.List(ctx, list); err != nil {
			return nil, false, err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, false, err
		}
		km.objs = make(map[client.ObjectKey]client.Object, len(items))
		for _, it := range items {
			o := it.(client.Object)
			km.objs[client.ObjectKeyFromObject(o)] = o
		}
		km.byNS = nil
		km.complete = true
	}
	return km, true, nil
}

// get copies the mirrored object named key into obj; ok is false when the
// store must answer.
func (m *mirror) get(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, obj client.Object) (bool, error) {
	km, ok, err := m.kind(ctx, gvk, obj)
	if !ok || err != nil {
		return ok, err
	}
	o, found := km.objs[key]
	if !found {
		// The store's answer, word for word.
		gvr, _ := meta.UnsafeGuessKindToResource(gvk)
		return true, apierrors.NewNotFound(gvr.GroupResource(), key.Name)
	}
	copyInto(obj, o)
	return true, nil
}

// list fills list with copies of the mirrored objects lo selects; ok is
// false when the store must answer.
func (m *mirror) list(ctx context.Context, gvk schema.GroupVersionKind, list client.ObjectList, lo *client.ListOptions) (bool, error) {
	if lo.FieldSelector != nil || lo.Limit != 0 || lo.Continue != "" {
		return false, nil
	}
	km, ok, err := m.kind(ctx, gvk, list)
	if !ok || err != nil {
		return ok, err
	}
	var out []runtime.Object
	for _, k := range km.keys(lo.Namespace) {
		o := km.objs[k]
		if lo.LabelSelector != nil && !lo.LabelSelector.Matches(labels.Set(o.GetLabels())) {
			continue
		}
		out = append(out, o.DeepCopyObject())
	}
	reflect.ValueOf(list).Elem().SetZero()
	return true, meta.SetList(list, out)
}

// keys returns the keys in namespace ns ("" for all), sorted by namespace
// and name.
func (km *kindMirror) keys(ns string) []client.ObjectKey {
	if km.byNS == nil {
		km.byNS = map[string][]client.ObjectKey{}
		all := make([]client.ObjectKey, 0, len(km.objs))
		for k := range km.objs {
			all = append(all, k)
		}
		slices.SortFunc(all, compareKeys)
		km.byNS[""] = all
		for _, k := range all {
			km.byNS[k.Namespace] = append(km.byNS[k.Namespace], k)
		}
	}
	return km.byNS[ns]
}

// wrote reads back the object a write of kind gvk named key changed.
func (m *mirror) wrote(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) {
	km := m.kinds[gvk]
	if km == nil || !km.complete {
		return
	}
	if key.Name == "" {
		km.complete = false
		return
	}
	o := reflect.New(km.typ.Elem()).Interface().(client.Object)
	err := m.store.Get(ctx, key, o)
	_, had := km.objs[key]
	switch {
	case err == nil:
		km.objs[key] = o
		if !had {
			km.index(key, true)
		}
	case apierrors.IsNotFound(err):
		delete(km.objs, key)
		if had {
			km.index(key, false)
		}
	default:
		km.complete = false
	}
}

// forget makes every kind read again in full.
func (m *mirror) forget() {
	for _, km := range m.kinds {
		km.complete = false
	}
}

// index adds key to (or removes it from) the sorted key lists.
func (km *kindMirror) index(key client.ObjectKey, add bool) {
	if km.byNS == nil {
		return
	}
	for _, ns := range []string{"", key.Namespace} {
		ks := km.byNS[ns]
		i, found := slices.BinarySearchFunc(ks, key, compareKeys)
		switch {
		case add && !found:
			km.byNS[ns] = slices.Insert(ks, i, key)
		case !add && found:
			km.byNS[ns] = slices.Delete(ks, i, i+1)
		}
	}
}
