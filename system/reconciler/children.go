package reconciler

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
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

// SyncSet sets *have to want unless every field want sets already has
// that value in *have, and reports whether it did. A field is set when it
// is not empty: a nil pointer, an empty string, slice or map, and a zero
// number are unset; slices are compared element by element. Unset fields
// may hold anything in *have, such as the defaults an apiserver filled in:
// comparing with Sync, they would make every reconcile send an update that
// the apiserver then finds changes nothing.
func SyncSet[T any](have *T, want T) bool {
	if setEqualities.DeepDerivative(want, *have) {
		return false
	}
	*have = want
	return true
}

// setEqualities is equality.Semantic where a zero number in the first
// argument of DeepDerivative is unset (DeepDerivative itself only skips
// nil pointers and empty strings, slices and maps).
var setEqualities = func() conversion.Equalities {
	e := equality.Semantic.Copy()
	if err := e.AddFuncs(
		func(a, b int32) bool { return a == 0 || a == b },
		func(a, b int64) bool { return a == 0 || a == b },
	); err != nil {
		panic(err)
	}
	return e
}()

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
