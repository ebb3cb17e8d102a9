package resources

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

// OwnedBy reports whether obj passes the source's owner filter: with no
// owner set everything passes, else obj's controller must be of the
// owner's apiVersion and kind.
func OwnedBy(owner *sourcesv1.APIVersionKind, obj *unstructured.Unstructured) bool {
	if owner == nil {
		return true
	}
	for _, ref := range obj.GetOwnerReferences() {
		if ref.Controller != nil && *ref.Controller && ref.APIVersion == owner.APIVersion && ref.Kind == owner.Kind {
			return true
		}
	}
	return false
}

// Matches reports whether obj's labels pass sel (nil passes everything).
func Matches(sel labels.Selector, obj *unstructured.Unstructured) bool {
	return sel == nil || sel.Matches(labels.Set(obj.GetLabels()))
}
