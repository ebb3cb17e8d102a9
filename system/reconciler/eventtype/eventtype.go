package eventtype

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
)

// ConditionReferenceExists is True when the referenced object exists.
const ConditionReferenceExists duck.ConditionType = "ReferenceExists"

var eventTypeConditions = duck.NewLivingConditionSet(ConditionReferenceExists)

// Reconciler checks that an EventType's reference exists.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each EventType references.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	et := &eventingv1.EventType{}
	if err := r.Get(ctx, req.NamespacedName, et); apierrors.IsNotFound(err) {
		r.Tracker.Forget(req.NamespacedName)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("getting eventtype %s: %w", req, err)
	}
	if et.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := et.Status.DeepCopy()
	now := r.Clock.Now()
	conds := eventTypeConditions.Manage(&et.Status)
	conds.InitializeConditions(now)

	ref := et.Spec.Reference
	if ref == nil {
		r.Tracker.Forget(req.NamespacedName)
		conds.MarkTrueWithReason(ConditionReferenceExists, "ReferenceNotSet", "The EventType references nothing.", now)
	} else {
		r.Tracker.Track(req.NamespacedName, resolver.KeyOf(*ref, et.Namespace))
		switch err := r.exists(ctx, *ref, et.Namespace); {
		case err == nil:
			conds.MarkTrue(ConditionReferenceExists, now)
		case apierrors.IsNotFound(err):
			conds.MarkFalse(ConditionReferenceExists, "ResourceDoesNotExist", err.Error(), now)
		default:
			conds.MarkFalse(ConditionReferenceExists, "ResourceNotReadable", err.Error(), now)
		}
	}
	et.Status.ObservedGeneration = et.Generation
	if err := reconciler.UpdateStatus(ctx, r.Client, et, before, &et.Status); err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling eventtype: %w", err)
	}
	return ctrl.Result{}, nil
}

// exists reads the referenced object.
func (r *Reconciler) exists(ctx context.Context, ref duck.KReference, namespace string) error {
	gvk, err := resolver.GVK(ref)
	if err != nil {
		return err
	}
	if ref.Namespace != "" {
		namespace = ref.Namespace
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, u); err != nil {
		return fmt.Errorf("%s: %w", resolver.Describe(duck.KReference{Kind: ref.Kind, Namespace: namespace, Name: ref.Name}), err)
	}
	return nil
}
