package memory

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// store is the memory plane's object store: typed objects in maps, served
// as an apiserver serves them. A read is a deep copy (but for a list with
// UnsafeDisableDeepCopy, whose items share maps and slices with the store);
// a write stores the
// object as its JSON encoding decodes (so timestamps keep whole seconds and
// empty lists vanish, as they do through an apiserver), moves the object's
// resourceVersion, refuses stale updates with a Conflict, keeps status and
// the rest apart for kinds with a status subresource, and holds an object
// with finalizers, marked deleted, until they are gone. After a write the
// caller's object holds what was stored, as a client decodes the
// apiserver's answer. There is no garbage collector, watch or server-side
// apply.
//
// Reconcilers read the same objects many times between two writes; a
// generic store that encodes every answer (controller-runtime's fake
// client) spent most of a fleet run in JSON.
type store struct {
	scheme *runtime.Scheme
	mapper meta.RESTMapper
	clock  clock.PassiveClock
	// status lists the kinds with a status subresource.
	status map[schema.GroupVersionKind]bool

	mu    sync.Mutex // the cluster emulation reads from its goroutines too
	kinds map[schema.GroupVersionKind]*kindStore
	names uint64 // names given to generateName creates

	// onRead, when set, is told of every read (name "" for a list, with
	// its label selector) and onWrite of every write attempt.
	onRead  func(gvk schema.GroupVersionKind, namespace, name string, sel labels.Selector)
	onWrite func(change)
}

// kindStore holds the objects of one kind.
type kindStore struct {
	gvr  schema.GroupVersionResource
	typ  reflect.Type // the stored Go type (a pointer to a struct)
	objs map[client.ObjectKey]client.Object
	// sorted holds the keys of each namespace ("" for all), sorted by
	// namespace and name as an apiserver lists them.
	sorted map[string][]client.ObjectKey
}

// change is one write attempt as the plane's dependency tracking sees it.
type change struct {
	gvk schema.GroupVersionKind
	key client.ObjectKey
	// before and after are the object's labels around the write (nil where
	// it did not exist).
	before, after labels.Set
	// deleting is set when the write marked the object deleted (its
	// finalizers hold it).
	deleting bool
}

var _ client.Client = (*store)(nil)

func newStore(scheme *runtime.Scheme, clk clock.PassiveClock, withStatus ...client.Object) (*store, error) {
	s := &store{scheme: scheme, mapper: restMapper(scheme), clock: clk, status: map[schema.GroupVersionKind]bool{}, kinds: map[schema.GroupVersionKind]*kindStore{}}
	for _, o := range withStatus {
		gvk, err := apiutil.GVKForObject(o, scheme)
		if err != nil {
			return nil, fmt.Errorf("memory: status subresource of %T: %w", o, err)
		}
		s.status[gvk] = true
	}
	return s, nil
}

// compareKeys orders keys by namespace, then name.
func compareKeys(a, b client.ObjectKey) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// kindOf returns the kind obj is (or lists) and its store.
func (s *store) kindOf(obj runtime.Object) (schema.GroupVersionKind, *kindStore, error) {
	gvk, err := apiutil.GVKForObject(obj, s.scheme)
	if err != nil {
		return gvk, nil, err
	}
	gvk.Kind = strings.TrimSuffix(gvk.Kind, "List")
	if ks := s.kinds[gvk]; ks != nil {
		return gvk, ks, nil
	}
	proto, err := s.scheme.New(gvk)
	if err != nil {
		return gvk, nil, err
	}
	if _, ok := proto.(client.Object); !ok {
		return gvk, nil, fmt.Errorf("memory: %s is not an object kind", gvk)
	}
	gvr, _ := meta.UnsafeGuessKindToResource(gvk)
	ks := &kindStore{gvr: gvr, typ: reflect.TypeOf(proto), objs: map[client.ObjectKey]client.Object{}}
	s.kinds[gvk] = ks
	return gvk, ks, nil
}

// keys returns the keys in namespace ns ("" for all), sorted.
func (ks *kindStore) keys(ns string) []client.ObjectKey {
	if ks.sorted == nil {
		all := make([]client.ObjectKey, 0, len(ks.objs))
		for k := range ks.objs {
			all = append(all, k)
		}
		slices.SortFunc(all, compareKeys)
		ks.sorted = map[string][]client.ObjectKey{"": all}
		for _, k := range all {
			ks.sorted[k.Namespace] = append(ks.sorted[k.Namespace], k)
		}
	}
	return ks.sorted[ns]
}

// put stores o under key (nil removes it), keeping the sorted keys.
func (ks *kindStore) put(key client.ObjectKey, o client.Object) {
	_, had := ks.objs[key]
	if o == nil {
		delete(ks.objs, key)
	} else {
		ks.objs[key] = o
	}
	if ks.sorted == nil || had == (o != nil) {
		return
	}
	for _, ns := range []string{"", key.Namespace} {
		keys := ks.sorted[ns]
		i, found := slices.BinarySearchFunc(keys, key, compareKeys)
		switch {
		case o != nil && !found:
			ks.sorted[ns] = slices.Insert(keys, i, key)
		case o == nil && found:
			ks.sorted[ns] = slices.Delete(keys, i, i+1)
		}
	}
}

func (ks *kindStore) notFound(name string) error {
	return apierrors.NewNotFound(ks.gvr.GroupResource(), name)
}

// into copies the stored object o into obj: a deep copy into the typed
// object, or its unstructured form.
func (s *store) into(gvk schema.GroupVersionKind, o client.Object, obj runtime.Object) error {
	switch dst := obj.(type) {
	case *unstructured.Unstructured:
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return err
		}
		dst.Object = m
		dst.SetGroupVersionKind(gvk)
		return nil
	case *metav1.PartialObjectMetadata:
		om, ok := reflect.ValueOf(o).Elem().FieldByName("ObjectMeta").Interface().(metav1.ObjectMeta)
		if !ok {
			return fmt.Errorf("memory: %s has no ObjectMeta", gvk)
		}
		dst.ObjectMeta = *om.DeepCopy()
		dst.SetGroupVersionKind(gvk)
		return nil
	}
	if reflect.TypeOf(obj) != reflect.TypeOf(o) {
		return fmt.Errorf("memory: reading %s into %T", gvk, obj)
	}
	reflect.ValueOf(obj).Elem().Set(reflect.ValueOf(o.DeepCopyObject()).Elem())
	return nil
}

// Get implements client.Reader.
func (s *store) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	gvk, ks, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	if s.onRead != nil {
		s.onRead(gvk, key.Namespace, key.Name, nil)
	}
	o, ok := ks.objs[key]
	if !ok {
		return ks.notFound(key.Name)
	}
	return s.into(gvk, o, obj)
}

// List implements client.Reader: items sorted by namespace and name.
func (s *store) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	lo := (&client.ListOptions{}).ApplyOptions(opts)
	if lo.FieldSelector != nil && !lo.FieldSelector.Empty() {
		return apierrors.NewBadRequest(fmt.Sprintf("memory: field selector %s: the memory control plane has no field indexes", lo.FieldSelector))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gvk, ks, err := s.kindOf(list)
	if err != nil {
		return err
	}
	if s.onRead != nil {
		s.onRead(gvk, lo.Namespace, "", lo.LabelSelector)
	}
	var items []runtime.Object
	for _, k := range ks.keys(lo.Namespace) {
		o := ks.objs[k]
		if lo.LabelSelector != nil && !lo.LabelSelector.Matches(labels.Set(o.GetLabels())) {
			continue
		}
		switch list.(type) {
		case *unstructured.UnstructuredList, *metav1.PartialObjectMetadataList:
			var it runtime.Object = &unstructured.Unstructured{}
			if _, partial := list.(*metav1.PartialObjectMetadataList); partial {
				it = &metav1.PartialObjectMetadata{}
			}
			if err := s.into(gvk, o, it); err != nil {
				return err
			}
			items = append(items, it)
		default:
			if lo.UnsafeDisableDeepCopy != nil && *lo.UnsafeDisableDeepCopy {
				// The caller promised not to change what it reads.
				items = append(items, o)
				continue
			}
			items = append(items, o.DeepCopyObject())
		}
	}
	if u, ok := list.(*unstructured.UnstructuredList); ok {
		u.Items = nil
		for _, it := range items {
			u.Items = append(u.Items, *it.(*unstructured.Unstructured))
		}
		u.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		return nil
	}
	reflect.ValueOf(list).Elem().SetZero()
	return meta.SetList(list, items)
}

// keys returns the sorted keys of every stored object of the kind list
// lists, as listing them would, without copying the objects.
func (s *store) keys(list client.ObjectList) ([]client.ObjectKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ks, err := s.kindOf(list)
	if err != nil {
		return nil, err
	}
	return slices.Clone(ks.keys("")), nil
}

// exists reports whether an object of list's kind is stored under key.
func (s *store) exists(list client.ObjectList, key client.ObjectKey) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ks, err := s.kindOf(list)
	if err != nil {
		return false, err
	}
	_, ok := ks.objs[key]
	return ok, nil
}

// Scheme implements client.Client.
func (s *store) Scheme() *runtime.Scheme { return s.scheme }

// RESTMapper implements client.Client.
func (s *store) RESTMapper() meta.RESTMapper { return s.mapper }

// GroupVersionKindFor implements client.Client.
func (s *store) GroupVersionKindFor(obj runtime.Object) (schema.GroupVersionKind, error) {
	return apiutil.GVKForObject(obj, s.scheme)
}

// IsObjectNamespaced implements client.Client.
func (s *store) IsObjectNamespaced(obj runtime.Object) (bool, error) {
	return apiutil.IsObjectNamespaced(obj, s.scheme, s.mapper)
}

// errNoApply answers server-side apply, which the store does not serve.
var errNoApply = apierrors.NewMethodNotSupported(schema.GroupResource{}, "apply (the memory control plane serves no server-side apply)")

// errUnserved answers subresources other than status. It is not an API
// status on purpose: a caller that falls back when a store does not serve
// a subresource (the cluster emulation binds pods by an update when
// pods/binding is not served) must tell it from a refusal.
var errUnserved = errors.New("memory: the store serves no such subresource (only status)")

// errNoSubresource answers a subresource other than status.
func errNoSubresource(name string) error {
	return fmt.Errorf("%w: %s", errUnserved, name)
}
