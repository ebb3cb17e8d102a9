package eventtype

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
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
	return reconciler.Driver[*eventingv1beta2.EventType]{
		Kind:          "eventtype",
		New:           func() *eventingv1beta2.EventType { return &eventingv1beta2.EventType{} },
		Status:        func(et *eventingv1beta2.EventType) any { return &et.Status },
		OnGone:        r.Tracker.Forget,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind checks that the reference exists.
func (r *Reconciler) reconcileKind(ctx context.Context, et *eventingv1beta2.EventType) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := eventTypeConditions.Manage(&et.Status)
	conds.InitializeConditions(now)

	key := client.ObjectKeyFromObject(et)
	ref := et.Spec.Reference
	if ref == nil {
		r.Tracker.Forget(key)
		conds.MarkTrueWithReason(ConditionReferenceExists, "ReferenceNotSet", "The EventType references nothing.", now)
	} else {
		r.Tracker.Track(key, resolver.KeyOf(*ref, et.Namespace))
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
