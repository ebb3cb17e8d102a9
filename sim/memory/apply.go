package memory

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Apply creates each object, or replaces the desired state (everything but
// status) of one that exists, defaulting the namespace of namespaced kinds.
// It stops at the first refusal and names the object.
func (p *Plane) Apply(ctx context.Context, defaultNamespace string, objs ...*unstructured.Unstructured) error {
	for _, u := range objs {
		u = u.DeepCopy()
		if u.GetNamespace() == "" {
			namespaced, err := p.store.IsObjectNamespaced(u)
			if err != nil {
				return fmt.Errorf("applying %s %q: %w", u.GetKind(), u.GetName(), err)
			}
			if namespaced {
				u.SetNamespace(defaultNamespace)
			}
		}
		if err := p.apply(ctx, u); err != nil {
			return fmt.Errorf("applying %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
	return nil
}

func (p *Plane) apply(ctx context.Context, u *unstructured.Unstructured) error {
	existing := &unstructured.Unstructured{}
	existing.SetGroupVersionKind(u.GroupVersionKind())
	err := p.store.Get(ctx, client.ObjectKeyFromObject(u), existing)
	if apierrors.IsNotFound(err) {
		return p.Client.Create(ctx, u)
	} else if err != nil {
		return err
	}
	u.SetResourceVersion(existing.GetResourceVersion())
	u.SetUID(existing.GetUID())
	u.SetGeneration(existing.GetGeneration())
	return p.Client.Update(ctx, u)
}
