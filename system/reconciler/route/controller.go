package route

import (
	"context"
	"fmt"

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

// referencesIndex indexes Routes by the Configurations and Revisions their
// traffic reads, as "<kind>/<name>" (resources.References).
const referencesIndex = ".route.traffic.references"

// SetupWithManager registers the Route controller. A Route is re-resolved
// whenever a Configuration or Revision its traffic names changes (as
// Knative's tracker does; with many Services in a namespace, requeueing
// every Route on every change made the work grow with the square of their
// number), and all Routes when config-domain changes.
func SetupWithManager(mgr ctrl.Manager, opts reconciler.Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	err := mgr.GetFieldIndexer().IndexField(context.Background(), &servingv1.Route{}, referencesIndex, func(o client.Object) []string {
		rt, ok := o.(*servingv1.Route)
		if !ok {
			return nil
		}
		var keys []string
		for _, ref := range resources.References(rt) {
			keys = append(keys, ref.Kind+"/"+ref.Name)
		}
		return keys
	})
	if err != nil {
		return fmt.Errorf("indexing routes by their traffic: %w", err)
	}
	r := &Reconciler{Client: mgr.GetClient(), Options: opts}
	referencing := func(kind string) handler.EventHandler {
		return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			var list servingv1.RouteList
			err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()),
				client.MatchingFields{referencesIndex: kind + "/" + o.GetName()}, client.UnsafeDisableDeepCopy)
			if err != nil {
				log.FromContext(ctx).Error(err, "listing routes to requeue")
				return nil
			}
			reqs := make([]reconcile.Request, 0, len(list.Items))
			for i := range list.Items {
				reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
			}
			return reqs
		})
	}
	domainChanged := opts.EnqueueAllOnConfig(mgr, resources.DomainConfigName, &servingv1.RouteList{})
	return opts.NewController(mgr, "route", &servingv1.Route{}).
		Watches(opts.Watch("route", &servingv1.Configuration{}, referencing("Configuration"))).
		Watches(opts.Watch("route", &servingv1.Revision{}, referencing("Revision"))).
		Watches(opts.Watch("route", &corev1.ConfigMap{}, domainChanged)).
		Complete(r)
}
