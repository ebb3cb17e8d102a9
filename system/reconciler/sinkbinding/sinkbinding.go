package sinkbinding

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/sinkbinding/resources"
	"github.com/knsim/knsim/system/resolver"
)

// Finalizer takes the injection out of the subjects of a deleted binding.
const Finalizer = "sinkbindings.sources.knative.dev"

// SinkBinding condition types: SinkProvided as in Knative, and
// BindingAvailable once every subject carries K_SINK.
const (
	ConditionSinkProvided     duck.ConditionType = "SinkProvided"
	ConditionBindingAvailable duck.ConditionType = "BindingAvailable"
)

var bindingConditions = duck.NewLivingConditionSet(ConditionSinkProvided, ConditionBindingAvailable)

// Reconciler injects a SinkBinding's sink into its subjects.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each binding's sink refers to.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*sourcesv1.SinkBinding]{
		Kind:          "sinkbinding",
		New:           func() *sourcesv1.SinkBinding { return &sourcesv1.SinkBinding{} },
		Status:        func(sb *sourcesv1.SinkBinding) any { return &sb.Status },
		OnGone:        r.Tracker.Forget,
		OnDeleting:    r.Tracker.Forget,
		Finalizer:     Finalizer,
		FinalizeKind:  r.finalize,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the sink and injects it into the subjects.
func (r *Reconciler) reconcileKind(ctx context.Context, sb *sourcesv1.SinkBinding) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := bindingConditions.Manage(&sb.Status.Status)
	conds.InitializeConditions(now)
	sb.Status.ObservedGeneration = sb.Generation

	r.Tracker.Track(client.ObjectKeyFromObject(sb), resolver.Deps(sb.Namespace, &sb.Spec.Sink)...)
	uri, err := resolver.New(r.Client).URIFromDestination(ctx, sb.Spec.Sink, sb.Namespace)
	if err != nil {
		sb.Status.SinkURI = ""
		conds.MarkFalse(ConditionSinkProvided, "NotFound", err.Error(), now)
		return ctrl.Result{}, nil
	}
	sb.Status.SinkURI = uri
	conds.MarkTrue(ConditionSinkProvided, now)

	env, err := resources.Env(uri, sb.Spec.CloudEventOverrides)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling sinkbinding %s: %w", sb.Name, err)
	}
	n, err := r.forEachSubject(ctx, sb, func(u *unstructured.Unstructured) (bool, error) { return resources.Bind(u, env) })
	switch {
	case apierrors.IsNotFound(err):
		conds.MarkFalse(ConditionBindingAvailable, "SubjectMissing", err.Error(), now)
	case err != nil:
		conds.MarkFalse(ConditionBindingAvailable, "BindingFailed", err.Error(), now)
		return ctrl.Result{}, reconciler.WithStatus(fmt.Errorf("binding sinkbinding %s: %w", sb.Name, err))
	case n == 0:
		conds.MarkFalse(ConditionBindingAvailable, "SubjectMissing", "No object matches the subject's selector.", now)
	default:
		conds.MarkTrue(ConditionBindingAvailable, now)
	}
	return ctrl.Result{}, nil
}

// finalize takes the injection out of the subjects of a deleted binding;
// the driver then releases it.
func (r *Reconciler) finalize(ctx context.Context, sb *sourcesv1.SinkBinding) error {
	if _, err := r.forEachSubject(ctx, sb, resources.Unbind); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("unbinding sinkbinding %s: %w", sb.Name, err)
	}
	return nil
}

// forEachSubject applies edit to every subject of sb and writes the ones it
// changed, retrying on conflicts. It returns how many subjects there are.
func (r *Reconciler) forEachSubject(ctx context.Context, sb *sourcesv1.SinkBinding, edit func(*unstructured.Unstructured) (bool, error)) (int, error) {
	sub := sb.Spec.Subject
	gv, err := schema.ParseGroupVersion(sub.APIVersion)
	if err != nil {
		return 0, fmt.Errorf("subject apiVersion: %w", err)
	}
	gvk := gv.WithKind(sub.Kind)
	ns := sub.Namespace
	if ns == "" {
		ns = sb.Namespace
	}
	var keys []client.ObjectKey
	if sub.Name != "" {
		keys = []client.ObjectKey{{Namespace: ns, Name: sub.Name}}
	} else {
		sel, err := metav1.LabelSelectorAsSelector(sub.Selector)
		if err != nil {
			return 0, fmt.Errorf("subject selector: %w", err)
		}
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := r.List(ctx, list, client.InNamespace(ns), client.MatchingLabelsSelector{Selector: sel}); err != nil {
			return 0, fmt.Errorf("listing subjects: %w", err)
		}
		for i := range list.Items {
			keys = append(keys, client.ObjectKeyFromObject(&list.Items[i]))
		}
	}
	for _, key := range keys {
		err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(gvk)
			if err := r.Get(ctx, key, u); err != nil {
				return err
			}
			changed, err := edit(u)
			if err != nil || !changed {
				return err
			}
			return r.Update(ctx, u)
		})
		if err != nil {
			return len(keys), fmt.Errorf("subject %s %s: %w", sub.Kind, key, err)
		}
	}
	return len(keys), nil
}
