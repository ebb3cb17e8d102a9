package containersource

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
	s := &sourcesv1.ContainerSource{}
	if err := r.Get(ctx, req.NamespacedName, s); apierrors.IsNotFound(err) {
		r.Tracker.Forget(req.NamespacedName)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("getting containersource %s: %w", req, err)
	}
	if s.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	before := s.Status.DeepCopy()
	now := r.Clock.Now()
	conds := containerConditions.Manage(&s.Status.Status)
	conds.InitializeConditions(now)

	// Resolve the sink the same way the binding will, so the Deployment is
	// built with exactly the K_SINK the binding injects.
	r.Tracker.Track(req.NamespacedName, resolver.Deps(s.Namespace, &s.Spec.Sink)...)
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
		return ctrl.Result{}, r.writeStatus(ctx, s, before)
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling sinkbinding of containersource %s: %w", s.Name, err)
	}
	conds.Mirror(ConditionSinkBindingReady, sb.Status.GetCondition(duck.ConditionReady),
		duck.MirrorChild("SinkBindingNotReady", "The SinkBinding has not reported readiness yet."), now)

	d, err := reconciler.EnsureChild(ctx, r.Client, s, resources.MakeDeployment(s, env), &appsv1.Deployment{}, mutateDeployment)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(ConditionReceiveAdapterReady, "NotOwned", err.Error(), now)
		return ctrl.Result{}, r.writeStatus(ctx, s, before)
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling deployment of containersource %s: %w", s.Name, err)
	}
	markDeployment(conds, d, now)
	s.Status.ObservedGeneration = s.Generation
	return ctrl.Result{}, r.writeStatus(ctx, s, before)
}

func (r *Reconciler) writeStatus(ctx context.Context, s *sourcesv1.ContainerSource, before *duck.SourceStatus) error {
	if err := reconciler.UpdateStatus(ctx, r.Client, s, before, &s.Status); err != nil {
		return fmt.Errorf("reconciling containersource: %w", err)
	}
	return nil
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
