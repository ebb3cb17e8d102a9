package serverlessservice

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	"github.com/knsim/knsim/system/reconciler"
)

var sksConditions = duck.NewLivingConditionSet(networkingv1alpha1.ServerlessServiceConditionEndpointsPopulated)

// Reconciler reports a ServerlessService's endpoints.
type Reconciler struct {
	client.Client
	reconciler.Options
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconciler.Driver[*networkingv1alpha1.ServerlessService]{
		Kind:          "serverlessservice",
		New:           func() *networkingv1alpha1.ServerlessService { return &networkingv1alpha1.ServerlessService{} },
		Status:        func(sks *networkingv1alpha1.ServerlessService) any { return &sks.Status },
		ReconcileKind: r.reconcileKind,
	}.Reconcile(ctx, r.Client, req)
}

// reconcileKind reports the endpoints of the Deployment the
// ServerlessService fronts.
func (r *Reconciler) reconcileKind(ctx context.Context, sks *networkingv1alpha1.ServerlessService) (ctrl.Result, error) {
	dep := &appsv1.Deployment{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: sks.Namespace, Name: sks.Spec.ObjectRef.Name}, dep); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("reconciling serverlessservice: getting deployment: %w", err)
	}
	reportEndpoints(sks, dep.Status.ReadyReplicas, r.Clock.Now())
	sks.Status.ObservedGeneration = sks.Generation
	return ctrl.Result{}, nil
}

// reportEndpoints marks the SKS ready when its mode has a backend: ready pods
// in Serve mode; in Proxy mode the in-process activator is always there.
func reportEndpoints(sks *networkingv1alpha1.ServerlessService, readyPods int32, now time.Time) {
	conds := sksConditions.Manage(&sks.Status.Status)
	conds.InitializeConditions(now)
	sks.Status.ServiceName = sks.Name
	sks.Status.PrivateServiceName = sks.Name + "-private"
	conds.MarkInfo(networkingv1alpha1.ActivatorEndpointsPopulated, corev1.ConditionTrue, "", "", now)
	switch {
	case sks.Spec.Mode == networkingv1alpha1.SKSModeProxy:
		conds.MarkTrueWithReason(networkingv1alpha1.ServerlessServiceConditionEndpointsPopulated,
			"ActivatorEndpointsPopulated", "Revision is backed by the activator.", now)
	case readyPods > 0:
		conds.MarkTrue(networkingv1alpha1.ServerlessServiceConditionEndpointsPopulated, now)
	default:
		conds.MarkUnknown(networkingv1alpha1.ServerlessServiceConditionEndpointsPopulated,
			"NoHealthyBackends", "No healthy backends", now)
	}
}
