package reconciler

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// revisionLabel is serving.knative.dev/revision; repeated here to keep this
// package free of API imports.
const revisionLabel = "serving.knative.dev/revision"

// EnqueueByRevisionLabel maps an object carrying the revision label (a
// Revision's Deployment, for instance) to the same-named object of the
// watching kind: PodAutoscaler and ServerlessService are named after their
// Revision.
func EnqueueByRevisionLabel() handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		rev := o.GetLabels()[revisionLabel]
		if rev == "" {
			return nil
		}
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: rev}}}
	})
}

// EnqueueAllOnConfig returns a handler for ConfigMaps that, when the system
// namespace's ConfigMap named name changes, enqueues every object of list's
// kind: they all read it.
func (o Options) EnqueueAllOnConfig(mgr ctrl.Manager, name string, list client.ObjectList) handler.EventHandler {
	c := mgr.GetClient()
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, cm client.Object) []reconcile.Request {
		if cm.GetNamespace() != o.SystemNamespace || cm.GetName() != name {
			return nil
		}
		l := list.DeepCopyObject().(client.ObjectList)
		if err := c.List(ctx, l); err != nil {
			log.FromContext(ctx).Error(err, "listing objects to requeue", "config", name)
			return nil
		}
		items, _ := meta.ExtractList(l)
		reqs := make([]reconcile.Request, 0, len(items))
		for _, it := range items {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(it.(client.Object))})
		}
		return reqs
	})
}
