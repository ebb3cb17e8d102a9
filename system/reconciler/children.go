package reconciler

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/kmeta"
)

// ErrNotOwned is returned when a child's name is taken by an object some
// other controller owns; knsim never adopts or overwrites it.
var ErrNotOwned = errors.New("not owned")

// EnsureChild creates want when it does not exist, or brings the existing
// object, which owner must control, in line through mutate (which copies the
// fields this controller owns from want onto have and reports whether anything
// changed). It returns the object as stored.
func EnsureChild[T client.Object](ctx context.Context, c client.Client, owner metav1.Object, want, have T, mutate func(have, want T) bool) (T, error) {
	err := c.Get(ctx, client.ObjectKeyFromObject(want), have)
	switch {
	case apierrors.IsNotFound(err):
		if err := c.Create(ctx, want); err != nil {
			return want, fmt.Errorf("creating %T %s: %w", want, want.GetName(), err)
		}
		return want, nil
	case err != nil:
		return have, fmt.Errorf("getting %T %s: %w", want, want.GetName(), err)
	}
	if !kmeta.IsControlledBy(have, owner) {
		return have, fmt.Errorf("there is an existing %T %q that we do not own: %w", have, have.GetName(), ErrNotOwned)
	}
	if !mutate(have, want) {
		return have, nil
	}
	if err := c.Update(ctx, have); err != nil {
		return have, fmt.Errorf("updating %T %s: %w", have, have.GetName(), err)
	}
	return have, nil
}

// Sync sets *have to want when they differ semantically and reports whether it did.
func Sync[T any](have *T, want T) bool {
	if equality.Semantic.DeepEqual(*have, want) {
		return false
	}
	*have = want
	return true
}

// SyncMeta copies want's labels and annotations onto have and reports whether
// anything changed.
func SyncMeta(have, want metav1.Object) bool {
	changed := false
	if l := have.GetLabels(); !equality.Semantic.DeepEqual(l, want.GetLabels()) {
		have.SetLabels(want.GetLabels())
		changed = true
	}
	if a := have.GetAnnotations(); !equality.Semantic.DeepEqual(a, want.GetAnnotations()) {
		have.SetAnnotations(want.GetAnnotations())
		changed = true
	}
	return changed
}

// UpdateStatus writes obj's status when it differs from beforeStatus.
// Comparing first keeps an idle control plane from writing at all, which the
// simulator's quiescence barrier relies on.
func UpdateStatus(ctx context.Context, c client.Client, obj client.Object, beforeStatus, afterStatus any) error {
	if equality.Semantic.DeepEqual(beforeStatus, afterStatus) {
		return nil
	}
	if err := c.Status().Update(ctx, obj); err != nil {
		return fmt.Errorf("updating status of %T %s: %w", obj, obj.GetName(), err)
	}
	return nil
}
