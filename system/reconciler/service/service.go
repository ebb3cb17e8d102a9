package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/service/resources"
)

var serviceConditions = duck.NewLivingConditionSet(
	servingv1.ServiceConditionConfigurationsReady,
	servingv1.ServiceConditionRoutesReady,
)

// Reconciler keeps a Service's Configuration and Route in line with its spec.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*servingv1.Service]{
		Kind:          "service",
		New:           func() *servingv1.Service { return &servingv1.Service{} },
		Status:        func(svc *servingv1.Service) any { return &svc.Status },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind keeps the Configuration and Route and mirrors them.
func (r *Reconciler) reconcileKind(ctx context.Context, svc *servingv1.Service) (ctrl.Result, error) {
	now := r.Clock.Now()
	conds := serviceConditions.Manage(&svc.Status.Status)
	conds.InitializeConditions(now)

	cfg, err := reconciler.EnsureChild(ctx, r.Client, svc, resources.MakeConfiguration(svc), &servingv1.Configuration{}, mutateConfiguration)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(servingv1.ServiceConditionConfigurationsReady, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling service configuration: %w", err)
	}
	rt, err := reconciler.EnsureChild(ctx, r.Client, svc, resources.MakeRoute(svc), &servingv1.Route{}, mutateRoute)
	if errors.Is(err, reconciler.ErrNotOwned) {
		conds.MarkFalse(servingv1.ServiceConditionRoutesReady, "NotOwned", err.Error(), now)
		return ctrl.Result{}, nil
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling service route: %w", err)
	}

	propagateConfiguration(svc, cfg, now)
	propagateRoute(svc, rt, now)
	svc.Status.ObservedGeneration = svc.Generation
	return ctrl.Result{}, nil
}

// propagateConfiguration mirrors the Configuration's readiness once it has
// caught up with the spec the Service wrote.
func propagateConfiguration(svc *servingv1.Service, cfg *servingv1.Configuration, now time.Time) {
	conds := serviceConditions.Manage(&svc.Status.Status)
	svc.Status.ConfigurationStatusFields = cfg.Status.ConfigurationStatusFields
	if cfg.Status.ObservedGeneration != cfg.Generation {
		conds.MarkUnknown(servingv1.ServiceConditionConfigurationsReady, "OutOfDate",
			"The Configuration is still working to reflect the latest desired specification.", now)
		return
	}
	conds.Mirror(servingv1.ServiceConditionConfigurationsReady, cfg.Status.GetCondition(duck.ConditionReady), duck.MirrorOptions{}, now)
}

// propagateRoute mirrors the Route's readiness and addresses.
func propagateRoute(svc *servingv1.Service, rt *servingv1.Route, now time.Time) {
	conds := serviceConditions.Manage(&svc.Status.Status)
	if rt.Status.ObservedGeneration != rt.Generation {
		conds.MarkUnknown(servingv1.ServiceConditionRoutesReady, "OutOfDate",
			"The Route is still working to reflect the latest desired specification.", now)
		return
	}
	svc.Status.RouteStatusFields = *rt.Status.RouteStatusFields.DeepCopy()
	// The Route learns of a new latest ready Revision one reconcile after the
	// Configuration does; until then it is Ready but stale.
	for _, t := range rt.Status.Traffic {
		if ptr.Deref(t.LatestRevision, false) && t.RevisionName != svc.Status.LatestReadyRevisionName {
			conds.MarkUnknown(servingv1.ServiceConditionRoutesReady, "OutOfDate",
				fmt.Sprintf("The Route still sends latestRevision traffic to %q, not %q.", t.RevisionName, svc.Status.LatestReadyRevisionName), now)
			return
		}
	}
	conds.Mirror(servingv1.ServiceConditionRoutesReady, rt.Status.GetCondition(duck.ConditionReady), duck.MirrorOptions{}, now)
}

func mutateConfiguration(have, want *servingv1.Configuration) bool {
	meta := reconciler.SyncMeta(have, want)
	return reconciler.Sync(&have.Spec, want.Spec) || meta
}

func mutateRoute(have, want *servingv1.Route) bool {
	meta := reconciler.SyncMeta(have, want)
	return reconciler.Sync(&have.Spec, want.Spec) || meta
}
