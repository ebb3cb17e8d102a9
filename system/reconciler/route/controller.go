package route

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/reconciler/route/resources"
)

// SetupWithManager registers the Route controller. Routes are re-resolved
// whenever a Configuration or Revision in their namespace changes, and all of
// them when config-domain changes.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	sameNamespace := handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var list servingv1.RouteList
		if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace())); err != nil {
			log.FromContext(ctx).Error(err, "listing routes to requeue")
			return nil
		}
		reqs := make([]reconcile.Request, 0, len(list.Items))
		for i := range list.Items {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
		return reqs
	})
	domainChanged := opts.EnqueueAllOnConfig(mgr, resources.DomainConfigName, &servingv1.RouteList{})
	return opts.NewController(mgr, "route", &servingv1.Route{}).
		Watches(opts.Watch("route", &servingv1.Configuration{}, sameNamespace)).
		Watches(opts.Watch("route", &servingv1.Revision{}, sameNamespace)).
		Watches(opts.Watch("route", &corev1.ConfigMap{}, domainChanged)).
		Complete(r)
}
