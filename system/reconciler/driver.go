package reconciler

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// Driver runs the part of a Reconcile every kind shares: read the object,
// let the kind know when it is gone or being deleted, keep its finalizer,
// and write its status when the kind's logic changed it. The kind supplies
// the rest as functions; its Reconcile method builds a Driver and calls
// Driver.Reconcile.
type Driver[T client.Object] struct {
	// Kind names the kind in errors, in lower case ("trigger").
	Kind string
	// New returns an empty object of the kind to read into.
	New func() T
	// Status returns a pointer to obj's status: what the driver compares
	// before and after ReconcileKind, and writes when they differ.
	Status func(obj T) any
	// OnGone, when set, runs when the object no longer exists (a Tracker's
	// Forget, for instance).
	OnGone func(key client.ObjectKey)
	// OnDeleting, when set, runs when the object is being deleted, before
	// its finalizer is handled.
	OnDeleting func(key client.ObjectKey)
	// Finalizer, when set, is added to every live object before
	// ReconcileKind runs; once the object is being deleted, FinalizeKind
	// runs and the finalizer is removed.
	Finalizer string
	// FinalizeKind, when set, cleans up after a deleted object that still
	// carries Finalizer. Its error is returned as is and keeps the
	// finalizer.
	FinalizeKind func(ctx context.Context, obj T) error
	// ReconcileKind is the kind's logic: it brings the object's children in
	// line and fills its status. The driver then writes the status, unless
	// ReconcileKind returns an error (returned as is, nothing written),
	// SkipStatus, or an error made by WithStatus.
	ReconcileKind func(ctx context.Context, obj T) (ctrl.Result, error)
}

// SkipStatus, returned by a Driver's ReconcileKind, ends the reconcile
// without an error and without writing the status, e.g. while a child the
// status derives from does not exist yet.
var SkipStatus = errors.New("status left unwritten")

// statusFirst is an error to return once the status is written.
type statusFirst struct{ err error }

func (e statusFirst) Error() string { return e.err.Error() }
func (e statusFirst) Unwrap() error { return e.err }

// WithStatus wraps err, returned by a Driver's ReconcileKind, so that the
// driver writes the status (which usually explains err) before returning
// err. A nil err stays nil.
func WithStatus(err error) error {
	if err == nil {
		return nil
	}
	return statusFirst{err}
}

// Reconcile reads the object req names through c and reconciles it. A
// missing object is not an error; an object being deleted gets no
// ReconcileKind. The status is written only when it changed, so an idle
// control plane writes nothing, which the simulator's quiescence barrier
// relies on.
func (d Driver[T]) Reconcile(ctx context.Context, c client.Client, req ctrl.Request) (ctrl.Result, error) {
	obj := d.New()
	if err := c.Get(ctx, req.NamespacedName, obj); apierrors.IsNotFound(err) {
		if d.OnGone != nil {
			d.OnGone(req.NamespacedName)
		}
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("getting %s %s: %w", d.Kind, req.NamespacedName, err)
	}
	if obj.GetDeletionTimestamp() != nil {
		return ctrl.Result{}, d.finalize(ctx, c, req.NamespacedName, obj)
	}
	if d.Finalizer != "" && controllerutil.AddFinalizer(obj, d.Finalizer) {
		if err := c.Update(ctx, obj); err != nil {
			return ctrl.Result{}, fmt.Errorf("adding finalizer to %s %s: %w", d.Kind, obj.GetName(), err)
		}
	}
	// The snapshot follows the finalizer's write, which refreshes obj.
	before := d.Status(obj.DeepCopyObject().(T))
	res, err := d.ReconcileKind(ctx, obj)
	var first statusFirst
	switch {
	case errors.Is(err, SkipStatus):
		return res, nil
	case errors.As(err, &first):
		err = first.err
	case err != nil:
		return res, err
	}
	if werr := UpdateStatus(ctx, c, obj, before, d.Status(obj)); werr != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling %s: %w", d.Kind, werr)
	}
	return res, err
}

// finalize handles an object being deleted: OnDeleting, then, when it
// still carries the driver's finalizer, FinalizeKind and the finalizer's
// removal.
func (d Driver[T]) finalize(ctx context.Context, c client.Client, key client.ObjectKey, obj T) error {
	if d.OnDeleting != nil {
		d.OnDeleting(key)
	}
	if d.Finalizer == "" || !controllerutil.ContainsFinalizer(obj, d.Finalizer) {
		return nil
	}
	if d.FinalizeKind != nil {
		if err := d.FinalizeKind(ctx, obj); err != nil {
			return err
		}
	}
	controllerutil.RemoveFinalizer(obj, d.Finalizer)
	if err := c.Update(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("removing finalizer of %s %s: %w", d.Kind, obj.GetName(), err)
	}
	return nil
}
