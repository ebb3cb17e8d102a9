package route

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/route/resources"
)

var routeConditions = duck.NewLivingConditionSet(
	servingv1.RouteConditionAllTrafficAssigned,
	servingv1.RouteConditionIngressReady,
	servingv1.RouteConditionCertificateProvisioned,
)

// Reconciler resolves a Route's traffic and publishes its URLs.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*servingv1.Route]{
		Kind:          "route",
		New:           func() *servingv1.Route { return &servingv1.Route{} },
		Status:        func(rt *servingv1.Route) any { return &rt.Status },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind resolves the traffic and publishes the URLs.
func (r *Reconciler) reconcileKind(ctx context.Context, rt *servingv1.Route) (ctrl.Result, error) {
	// The traffic as the status held it; nothing below edits it in place.
	prevTraffic := rt.Status.Traffic
	now := r.Clock.Now()
	conds := routeConditions.Manage(&rt.Status.Status)
	conds.InitializeConditions(now)

	domain, err := r.domain(ctx, rt)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling route: %w", err)
	}
	rt.Status.URL = resources.URL(rt, domain)
	rt.Status.Address = &duck.Addressable{URL: resources.AddressURL(rt)}
	conds.MarkTrueWithReason(servingv1.RouteConditionCertificateProvisioned, "TLSNotEnabled", "autoTLS is not enabled", now)

	traffic, terr := resources.ResolveTraffic(rt, r.lookup(ctx, rt.Namespace), domain)
	var requeue time.Duration
	switch {
	case terr == nil:
		// A latestRevision target that moved to a new revision shifts to it
		// gradually when the Route has a rollout duration.
		var rollouts []resources.Rollout
		traffic, rollouts, requeue = resources.ApplyRollouts(rt, traffic, prevTraffic, now)
		setRollouts(rt, rollouts)
		// The gateway routes straight from Route status, so once traffic is
		// assigned the ingress is ready too.
		rt.Status.Traffic = traffic
		conds.MarkTrue(servingv1.RouteConditionAllTrafficAssigned, now)
		conds.MarkTrue(servingv1.RouteConditionIngressReady, now)
	case terr.Status == corev1.ConditionFalse:
		conds.MarkFalse(servingv1.RouteConditionAllTrafficAssigned, terr.Reason, terr.Message, now)
	default:
		// Keep serving the previous traffic while the new targets come up.
		conds.MarkUnknown(servingv1.RouteConditionAllTrafficAssigned, terr.Reason, terr.Message, now)
		if !conds.IsTrue(servingv1.RouteConditionIngressReady) {
			conds.MarkUnknown(servingv1.RouteConditionIngressReady, "IngressNotConfigured", "Ingress has not yet been reconciled.", now)
		}
	}
	rt.Status.ObservedGeneration = rt.Generation
	if terr != nil && terr.Err != nil {
		return ctrl.Result{}, reconciler.WithStatus(fmt.Errorf("reconciling route traffic: %w", terr.Err))
	}
	return ctrl.Result{RequeueAfter: requeue}, nil
}

// setRollouts records the rollouts in progress in status annotations.
func setRollouts(rt *servingv1.Route, rollouts []resources.Rollout) {
	if len(rollouts) == 0 {
		delete(rt.Status.Annotations, resources.RolloutAnnotation)
		if len(rt.Status.Annotations) == 0 {
			rt.Status.Annotations = nil
		}
		return
	}
	b, _ := json.Marshal(rollouts) // plain structs always marshal
	if rt.Status.Annotations == nil {
		rt.Status.Annotations = map[string]string{}
	}
	rt.Status.Annotations[resources.RolloutAnnotation] = string(b)
}

func (r *Reconciler) domain(ctx context.Context, rt *servingv1.Route) (string, error) {
	cm := &corev1.ConfigMap{}
	err := r.Get(ctx, client.ObjectKey{Namespace: r.SystemNamespace, Name: resources.DomainConfigName}, cm)
	if apierrors.IsNotFound(err) {
		return resources.Domain(rt, nil), nil
	} else if err != nil {
		return "", fmt.Errorf("getting %s: %w", resources.DomainConfigName, err)
	}
	return resources.Domain(rt, cm), nil
}

func (r *Reconciler) lookup(ctx context.Context, namespace string) resources.Lookup {
	return resources.Lookup{
		Configuration: func(name string) (*servingv1.Configuration, error) {
			c := &servingv1.Configuration{}
			return c, r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, c)
		},
		Revision: func(name string) (*servingv1.Revision, error) {
			rev := &servingv1.Revision{}
			return rev, r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, rev)
		},
	}
}
