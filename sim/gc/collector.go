package gc

import (
	"context"
	"errors"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The finalizers an apiserver puts on an owner deleted with foreground or
// orphan propagation, which the garbage collector removes when done.
const (
	ForegroundFinalizer = metav1.FinalizerDeleteDependents // "foregroundDeletion"
	OrphanFinalizer     = metav1.FinalizerOrphanDependents // "orphan"
)

// Config describes a Collector.
type Config struct {
	// Client reads and writes the control plane.
	Client client.Client
	// Reader, when set, serves the reads instead (an apiserver reader,
	// so a manager's cache starts no informer for every dependent kind).
	Reader client.Reader
	// Owners are the kinds whose deletion cascades.
	Owners []schema.GroupVersionKind
	// Dependents are the namespaced kinds that can have owners; each is
	// listed (as unstructured) when an owner of its namespace is deleted.
	Dependents []schema.GroupVersionKind
}

// Collector deletes or orphans the dependents of deleted owners.
type Collector struct {
	cfg Config
}

// New validates cfg.
func New(cfg Config) (*Collector, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("gc: Client is required")
	case len(cfg.Owners) == 0:
		return nil, errors.New("gc: no owner kinds")
	case len(cfg.Dependents) == 0:
		return nil, errors.New("gc: no dependent kinds")
	}
	if cfg.Reader == nil {
		cfg.Reader = cfg.Client
	}
	return &Collector{cfg: cfg}, nil
}

// Owners returns the owner kinds.
func (c *Collector) Owners() []schema.GroupVersionKind { return slices.Clone(c.cfg.Owners) }

// Collect does what the garbage collector does for the owner of kind gvk
// named key: nothing while it lives; when it is gone, delete the
// dependents it was the last owner of and drop its reference from the
// others; while it waits on the foregroundDeletion finalizer, delete its
// dependents and remove the finalizer once none is left; while it waits on
// the orphan finalizer, remove its reference from its dependents, then the
// finalizer. done is false when dependents are still going (the caller
// looks again when they change).
func (c *Collector) Collect(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) (done bool, err error) {
	owner := &unstructured.Unstructured{}
	owner.SetGroupVersionKind(gvk)
	err = c.cfg.Reader.Get(ctx, key, owner)
	switch {
	case apierrors.IsNotFound(err):
		return c.cascade(ctx, gvk, key, "", false)
	case err != nil:
		return false, fmt.Errorf("gc: getting %s %s: %w", gvk.Kind, key, err)
	case owner.GetDeletionTimestamp() == nil:
		return true, nil
	}
	fins := owner.GetFinalizers()
	switch {
	case slices.Contains(fins, OrphanFinalizer):
		if _, err := c.cascade(ctx, gvk, key, owner.GetUID(), true); err != nil {
			return false, err
		}
		return true, c.removeFinalizer(ctx, owner, OrphanFinalizer)
	case slices.Contains(fins, ForegroundFinalizer):
		done, err := c.cascade(ctx, gvk, key, owner.GetUID(), false)
		if err != nil || !done {
			return false, err
		}
		return true, c.removeFinalizer(ctx, owner, ForegroundFinalizer)
	}
	return true, nil
}

// cascade visits the dependents of the owner gvk/key: with uid set, those
// whose reference carries that UID (the owner still exists, being
// deleted); without, every reference to the name (the owner is gone).
// orphan drops the reference; otherwise a dependent with no other owner is
// deleted in the background. done reports that no dependent is left.
func (c *Collector) cascade(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, uid types.UID, orphan bool) (bool, error) {
	left := 0
	for _, dk := range c.cfg.Dependents {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(dk.GroupVersion().WithKind(dk.Kind + "List"))
		if err := c.cfg.Reader.List(ctx, list, client.InNamespace(key.Namespace)); err != nil {
			if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
				continue // a kind this control plane does not serve
			}
			return false, fmt.Errorf("gc: listing %s: %w", dk.Kind, err)
		}
		for i := range list.Items {
			d := &list.Items[i]
			refs := d.GetOwnerReferences()
			kept := slices.DeleteFunc(slices.Clone(refs), func(r metav1.OwnerReference) bool {
				return refersTo(r, gvk, key.Name, uid)
			})
			if len(kept) == len(refs) {
				continue
			}
			switch {
			case orphan || len(kept) > 0:
				// Still owned by another, or orphaned: keep it, without
				// the reference.
				d.SetOwnerReferences(kept)
				if err := c.cfg.Client.Update(ctx, d); err != nil && !apierrors.IsNotFound(err) {
					return false, fmt.Errorf("gc: orphaning %s %s/%s: %w", dk.Kind, d.GetNamespace(), d.GetName(), err)
				}
			case d.GetDeletionTimestamp() != nil:
				left++ // going already
			default:
				left++
				err := c.cfg.Client.Delete(ctx, d, client.PropagationPolicy(metav1.DeletePropagationBackground))
				if err != nil && !apierrors.IsNotFound(err) {
					return false, fmt.Errorf("gc: deleting %s %s/%s: %w", dk.Kind, d.GetNamespace(), d.GetName(), err)
				}
			}
		}
	}
	return left == 0, nil
}

// refersTo reports whether r names the owner gvk/name (and, when uid is
// set, that very object).
func refersTo(r metav1.OwnerReference, gvk schema.GroupVersionKind, name string, uid types.UID) bool {
	gv, err := schema.ParseGroupVersion(r.APIVersion)
	if err != nil || gv.Group != gvk.Group || r.Kind != gvk.Kind || r.Name != name {
		return false
	}
	return uid == "" || r.UID == uid
}

// removeFinalizer removes f from the owner, letting it go.
func (c *Collector) removeFinalizer(ctx context.Context, owner *unstructured.Unstructured, f string) error {
	owner.SetFinalizers(slices.DeleteFunc(owner.GetFinalizers(), func(s string) bool { return s == f }))
	if err := c.cfg.Client.Update(ctx, owner); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("gc: removing %s from %s %s/%s: %w", f, owner.GetKind(), owner.GetNamespace(), owner.GetName(), err)
	}
	return nil
}
