package containersource

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/containersource/resources"
	sbresources "github.com/knsim/knsim/system/reconciler/sinkbinding/resources"
	"github.com/knsim/knsim/system/resolver"
)

// ContainerSource condition types, as in Knative.
const (
	ConditionSinkBindingReady    duck.ConditionType = "SinkBindingReady"
	ConditionReceiveAdapterReady duck.ConditionType = "ReceiveAdapterReady"
)

var containerConditions = duck.NewLivingConditionSet(ConditionSinkBindingReady, ConditionReceiveAdapterReady)

// Reconciler keeps a ContainerSource's Deployment and SinkBinding.
type Reconciler struct {
	client.Client
	reconciler.Options
	// Tracker, when set, learns what each source's sink refers to.
	Tracker *resolver.Tracker
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*sourcesv1.ContainerSource]{
		Kind:          "containersource",
		New:           func() *sourcesv1.ContainerSource { return &sourcesv1.ContainerSource{} },
		Status:        func(s *sourcesv1.ContainerSource) any { return &s.Status },
		OnGone:        r.Tracker.Forget,
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the sink and keeps the SinkBinding and the Deployment.
func (r *Reconciler) reconcileKind(ctx context.Context, s *sourcesv1.ContainerSource) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := containerConditions.Manage(&s.Status.Status)
	conds.InitializeConditions(now)

	// Resolve the sink the same way the binding will, so the Deployment is
	// built with exactly the K_SINK the binding injects.
	r.Tracker.Track(client.ObjectKeyFromObject(s), resolver.Deps(s.Namespace, &s.Spec.Sink)...)
	var env []corev1.EnvVar
	uri, err := resolver.New(r.Client).URIFromDestination(ctx, s.Spec.Sink, s.Namespace)
	if err == nil {
		if env, err = sbresources.Env(uri, s.Spec.CloudEventOverrides); err != nil {
			return ctrl.Result{}, fmt.Errorf("reconciling containersource %s: %w", s.Name, err)
		}
	}
	s.Status.SinkURI = uri

	sb, err := reconciler.EnsureChild(ctx, r.Client, s, resources.MakeSinkBinding(s), &sourcesv1.SinkBinding{}, mutateSinkBinding)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(ConditionSinkBindingReady, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling sinkbinding of containersource %s: %w", s.Name, err)
	}
	conds.Mirror(ConditionSinkBindingReady, sb.Status.GetCondition(duck.ConditionReady),
		duck.MirrorChild("SinkBindingNotReady", "The SinkBinding has not reported readiness yet."), now)

	d, err := reconciler.EnsureChild(ctx, r.Client, s, resources.MakeDeployment(s, env), &appsv1.Deployment{}, mutateDeployment)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(ConditionReceiveAdapterReady, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling deployment of containersource %s: %w", s.Name, err)
	}
	markDeployment(conds, d, now)
	s.Status.ObservedGeneration = s.Generation
	return ctrl.Result{}, nil
}

func mutateSinkBinding(have, want *sourcesv1.SinkBinding) bool {
	meta := reconciler.SyncMeta(have, want)
	return reconciler.Sync(&have.Spec, want.Spec) || meta
}

// mutateDeployment updates the Deployment when it no longer carries what
// the source wants; fields the apiserver defaulted do not count.
func mutateDeployment(have, want *appsv1.Deployment) bool {
	meta := reconciler.SyncMeta(have, want)
	if equality.Semantic.DeepDerivative(want.Spec, have.Spec) {
		return meta
	}
	have.Spec = want.Spec
	return true
}
