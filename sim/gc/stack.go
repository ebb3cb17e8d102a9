package gc

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/knsim/knsim/system/stack"
)

// ForStack returns the collector of knsim's stack: the kinds its
// controllers reconcile own one another (a Service its Configuration and
// Route, a Revision its PodAutoscaler, ServerlessService and Deployment,
// ...); the cluster emulation deletes a deleted Deployment's pods itself.
// r may be nil (c reads).
func ForStack(c client.Client, r client.Reader) (*Collector, error) {
	var kinds []schema.GroupVersionKind
	for _, o := range stack.Kinds() {
		gvk, err := apiutil.GVKForObject(o, stack.Scheme())
		if err != nil {
			return nil, err
		}
		kinds = append(kinds, gvk)
	}
	return New(Config{
		Client:     c,
		Reader:     r,
		Owners:     kinds,
		Dependents: append(slices.Clone(kinds), appsv1.SchemeGroupVersion.WithKind("Deployment")),
	})
}
