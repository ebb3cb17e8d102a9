package reconciler

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
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
