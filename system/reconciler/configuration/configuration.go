package configuration

import (
	"context"
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/kmeta"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/configuration/resources"
)

var configurationConditions = duck.NewLivingConditionSet()

// Reconciler stamps Revisions from a Configuration's template.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*servingv1.Configuration]{
		Kind:          "configuration",
		New:           func() *servingv1.Configuration { return &servingv1.Configuration{} },
		Status:        func(cfg *servingv1.Configuration) any { return &cfg.Status },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind stamps the latest Revision and reports its readiness.
func (r *Reconciler) reconcileKind(ctx context.Context, cfg *servingv1.Configuration) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := configurationConditions.Manage(&cfg.Status.Status)
	conds.InitializeConditions(now)

	rev, err := r.latestCreated(ctx, cfg)
	if err != nil {
		conds.MarkFalse(servingv1.ConfigurationConditionReady, "RevisionFailed", err.Error(), now)
		return ctrl.Result{}, reconciler.WithStatus(fmt.Errorf("reconciling configuration: %w", err))
	}

	if cfg.Status.LatestCreatedRevisionName != rev.Name {
		cfg.Status.LatestCreatedRevisionName = rev.Name
		if cfg.Status.LatestReadyRevisionName != rev.Name {
			conds.MarkUnknown(servingv1.ConfigurationConditionReady, "", "", now)
		}
	}
	ready := rev.Status.GetCondition(duck.ConditionReady)
	switch {
	case ready.IsTrue():
		cfg.Status.LatestReadyRevisionName = rev.Name
		conds.MarkTrue(servingv1.ConfigurationConditionReady, now)
	case ready.IsFalse():
		conds.MarkFalse(servingv1.ConfigurationConditionReady, "RevisionFailed",
			fmt.Sprintf("Revision %q failed with message: %s.", rev.Name, ready.Message), now)
	}
	cfg.Status.ObservedGeneration = cfg.Generation
	return ctrl.Result{}, nil
}

// latestCreated returns the Revision for the current generation, creating it
// when missing. A given name already used by another template is an error.
func (r *Reconciler) latestCreated(ctx context.Context, cfg *servingv1.Configuration) (*servingv1.Revision, error) {
	want := resources.MakeRevision(cfg)
	have := &servingv1.Revision{}
	err := r.Get(ctx, client.ObjectKeyFromObject(want), have)
	if apierrors.IsNotFound(err) {
		if err := r.Create(ctx, want); err != nil {
			return nil, fmt.Errorf("creating revision %s: %w", want.Name, err)
		}
		return want, nil
	}
	if err != nil {
		return nil, fmt.Errorf("getting revision %s: %w", want.Name, err)
	}
	if !kmeta.IsControlledBy(have, cfg) {
		return nil, fmt.Errorf("revision %q exists and is not owned by configuration %q", have.Name, cfg.Name)
	}
	gen := have.Labels[servingv1.ConfigurationGenerationLabelKey]
	if gen != strconv.FormatInt(cfg.Generation, 10) && !equality.Semantic.DeepEqual(have.Spec, want.Spec) {
		return nil, fmt.Errorf("revision %q was created from generation %s with a different template; "+
			"give spec.template.metadata.name a new value", have.Name, gen)
	}
	return have, nil
}
