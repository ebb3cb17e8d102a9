package memory

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// cachingClient answers repeated reads between two writes of the same kind
// from copies of the first answer. The store (controller-runtime's fake
// client) encodes and decodes every object it returns as JSON, and a settle
// pass reads the same things many times (each Deployment's reconcile lists
// the namespace's pods), which made those round trips most of a memory
// run's time. A write drops what is cached of its kind (the store has no
// garbage collector or other cross-kind effect), and no read is kept while
// any write is in progress, so a read returns exactly what the store would
// have returned.
type cachingClient struct {
	client.Client

	mu       sync.Mutex
	mirror   *mirror                            // typed copies of stored objects (mirror.go)
	inflight int                                // writes in progress
	gens     map[schema.GroupVersionKind]uint64 // moves before and after every write of a kind
	entries  map[schema.GroupVersionKind]map[string]cached

	// onRead, when set, is told of every read (name "" for a list) and
	// onWrite of every write attempt, with known false for a kind the
	// scheme does not know. The plane tracks what each reconcile read
	// with them (settle.go).
	onRead  func(gvk schema.GroupVersionKind, namespace, name string)
	onWrite func(gvk schema.GroupVersionKind, namespace, name string, known bool)
}

// cached is one read's answer: an object (Get) or a list (List), or the
// NotFound error a Get got, with the generation of its kind it was read at.
type cached struct {
	obj runtime.Object
	err error
	gen uint64
}

func newCachingClient(c client.Client) *cachingClient {
	return &cachingClient{Client: c, mirror: newMirror(c), gens: map[schema.GroupVersionKind]uint64{}, entries: map[schema.GroupVersionKind]map[string]cached{}}
}

// kind is the kind obj is or lists; ok is false when the scheme does not
// know it (such reads are not cached).
func (c *cachingClient) kind(obj runtime.Object) (schema.GroupVersionKind, bool) {
	gvk, err := apiutil.GVKForObject(obj, c.Scheme())
	if err != nil {
		return gvk, false
	}
	gvk.Kind = strings.TrimSuffix(gvk.Kind, "List")
	return gvk, true
}

// lookup returns the answer cached under key, if still valid, and the
// kind's generation to store a fresh answer at.
func (c *cachingClient) lookup(gvk schema.GroupVersionKind, key string) (cached, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.gens[gvk]
	if e, ok := c.entries[gvk][key]; ok && c.inflight == 0 && e.gen == gen {
		return e, gen, true
	}
	return cached{}, gen, false
}

// store keeps an answer read at gen, unless a write started since.
func (c *cachingClient) store(gvk schema.GroupVersionKind, key string, e cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight != 0 || c.gens[gvk] != e.gen {
		return
	}
	m := c.entries[gvk]
	if m == nil {
		m = map[string]cached{}
		c.entries[gvk] = m
	}
	m[key] = e
}

// write brackets a write of obj's kind so that no read made around it is
// kept; an unknown kind (or an apply configuration) drops everything.
func (c *cachingClient) write(obj runtime.Object, f func() error) error {
	var gvk schema.GroupVersionKind
	known := false
	if obj != nil {
		gvk, known = c.kind(obj)
	}
	if c.onWrite != nil {
		var ns, name string
		if o, ok := obj.(client.Object); ok {
			ns, name = o.GetNamespace(), o.GetName()
		}
		defer c.onWrite(gvk, ns, name, known)
	}
	bump := func() {
		if known {
			c.gens[gvk]++
			delete(c.entries, gvk)
			return
		}
		for k := range c.gens {
			c.gens[k]++
		}
		clear(c.entries)
	}
	c.mu.Lock()
	c.inflight++
	bump()
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inflight--
		bump()
		c.mu.Unlock()
	}()
	err := f()
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := obj.(client.Object); ok && known {
		c.mirror.wrote(context.Background(), gvk, client.ObjectKeyFromObject(o))
	} else {
		c.mirror.forget()
	}
	return err
}

// copyInto sets *dst to a deep copy of src (both of dst's type).
func copyInto(dst, src runtime.Object) {
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src.DeepCopyObject()).Elem())
}

// Get implements client.Reader.
func (c *cachingClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	gvk, ok := c.kind(obj)
	if ok && c.onRead != nil {
		c.onRead(gvk, key.Namespace, key.Name)
	}
	if !ok || len(opts) > 0 {
		return c.Client.Get(ctx, key, obj, opts...)
	}
	c.mu.Lock()
	handled, merr := c.mirror.get(ctx, gvk, key, obj)
	c.mu.Unlock()
	if handled {
		return merr
	}
	k := fmt.Sprintf("get|%T|%s", obj, key)
	e, gen, ok := c.lookup(gvk, k)
	if ok {
		if e.err != nil {
			return e.err
		}
		copyInto(obj, e.obj)
		return nil
	}
	err := c.Client.Get(ctx, key, obj)
	switch {
	case err == nil:
		c.store(gvk, k, cached{obj: obj.DeepCopyObject(), gen: gen})
	case apierrors.IsNotFound(err):
		c.store(gvk, k, cached{err: err, gen: gen})
	}
	return err
}

// List implements client.Reader.
func (c *cachingClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	lo := (&client.ListOptions{}).ApplyOptions(opts)
	gvk, ok := c.kind(list)
	if ok && c.onRead != nil {
		c.onRead(gvk, lo.Namespace, "")
	}
	if !ok || lo.Raw != nil || lo.UnsafeDisableDeepCopy != nil {
		return c.Client.List(ctx, list, opts...)
	}
	c.mu.Lock()
	handled, err := c.mirror.list(ctx, gvk, list, lo)
	c.mu.Unlock()
	if handled {
		return err
	}
	k := fmt.Sprintf("list|%T|%s|%v|%v|%d|%s", list, lo.Namespace, lo.LabelSelector, lo.FieldSelector, lo.Limit, lo.Continue)
	e, gen, ok := c.lookup(gvk, k)
	if ok {
		copyInto(list, e.obj)
		return nil
	}
	if err := c.Client.List(ctx, list, opts...); err != nil {
		return err
	}
	c.store(gvk, k, cached{obj: list.DeepCopyObject(), gen: gen})
	return nil
}

// Create implements client.Writer.
func (c *cachingClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	return c.write(obj, func() error { return c.Client.Create(ctx, obj, opts...) })
}

// Update implements client.Writer.
func (c *cachingClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	return c.write(obj, func() error { return c.Client.Update(ctx, obj, opts...) })
}

// Patch implements client.Writer.
func (c *cachingClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	return c.write(obj, func() error { return c.Client.Patch(ctx, obj, patch, opts...) })
}

// Apply implements client.Writer.
func (c *cachingClient) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
	return c.write(nil, func() error { return c.Client.Apply(ctx, obj, opts...) })
}

// Delete implements client.Writer.
func (c *cachingClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	return c.write(obj, func() error { return c.Client.Delete(ctx, obj, opts...) })
}

// DeleteAllOf implements client.Writer.
func (c *cachingClient) DeleteAllOf(ctx context.Context, obj client.Object, opts ...client.DeleteAllOfOption) error {
	return c.write(obj, func() error { return c.Client.DeleteAllOf(ctx, obj, opts...) })
}

// Status implements client.StatusClient.
func (c *cachingClient) Status() client.SubResourceWriter {
	return &cachingSubWriter{SubResourceWriter: c.Client.Status(), c: c}
}

// SubResource implements client.SubResourceClientConstructor.
func (c *cachingClient) SubResource(name string) client.SubResourceClient {
	sc := c.Client.SubResource(name)
	return struct {
		client.SubResourceReader
		client.SubResourceWriter
	}{sc, &cachingSubWriter{SubResourceWriter: sc, c: c}}
}

// cachingSubWriter brackets subresource writes.
type cachingSubWriter struct {
	client.SubResourceWriter
	c *cachingClient
}

func (s *cachingSubWriter) Create(ctx context.Context, obj client.Object, sub client.Object, opts ...client.SubResourceCreateOption) error {
	return s.c.write(obj, func() error { return s.SubResourceWriter.Create(ctx, obj, sub, opts...) })
}

func (s *cachingSubWriter) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	return s.c.write(obj, func() error { return s.SubResourceWriter.Update(ctx, obj, opts...) })
}

func (s *cachingSubWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	return s.c.write(obj, func() error { return s.SubResourceWriter.Patch(ctx, obj, patch, opts...) })
}

func (s *cachingSubWriter) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.SubResourceApplyOption) error {
	return s.c.write(nil, func() error { return s.SubResourceWriter.Apply(ctx, obj, opts...) })
}
