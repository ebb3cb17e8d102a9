package resolver

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// metaMapper is a DefaultRESTMapper over a scheme's kinds, all namespaced.
type metaMapper struct {
	*meta.DefaultRESTMapper
}

func newMetaMapper(s *runtime.Scheme) *metaMapper {
	m := &metaMapper{meta.NewDefaultRESTMapper(nil)}
	for gvk := range s.AllKnownTypes() {
		m.add(gvk)
	}
	return m
}

func (m *metaMapper) add(gvk schema.GroupVersionKind) { m.Add(gvk, meta.RESTScopeNamespace) }
