package metrics

import (
	"context"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// Namer gives the labels of a revision's series from its namespace and
// name, and the Service a request record or load names (which may be
// empty).
type Namer func(rev types.NamespacedName, service string) Revision

// ServiceNamer names a revision's Configuration after its Service, as a
// Knative Service names the Configuration it owns; it reads nothing.
func ServiceNamer(rev types.NamespacedName, service string) Revision {
	return Revision{Namespace: rev.Namespace, Service: service, Configuration: service, Name: rev.Name}
}

// RevisionNamer reads each revision's serving.knative.dev/service and
// configuration labels from the control plane once and keeps them (a
// revision's owners never change); a revision it cannot read yet is named
// by ServiceNamer and read again next time.
func RevisionNamer(c client.Reader) Namer {
	var mu sync.Mutex
	known := map[types.NamespacedName]Revision{}
	return func(rev types.NamespacedName, service string) Revision {
		mu.Lock()
		r, ok := known[rev]
		mu.Unlock()
		if ok {
			return r
		}
		var obj servingv1.Revision
		if err := c.Get(context.Background(), rev, &obj); err != nil {
			return ServiceNamer(rev, service)
		}
		r = Revision{Namespace: rev.Namespace, Service: obj.Labels[servingv1.ServiceLabelKey],
			Configuration: obj.Labels[servingv1.ConfigurationLabelKey], Name: rev.Name}
		mu.Lock()
		known[rev] = r
		mu.Unlock()
		return r
	}
}
