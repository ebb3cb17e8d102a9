package kmeta

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// ControllerRef returns an owner reference marking owner as obj's controller,
// so deleting the owner garbage-collects the child.
func ControllerRef(owner metav1.Object, gvk schema.GroupVersionKind) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion:         gvk.GroupVersion().String(),
		Kind:               gvk.Kind,
		Name:               owner.GetName(),
		UID:                owner.GetUID(),
		Controller:         ptr.To(true),
		BlockOwnerDeletion: ptr.To(true),
	}
}

// IsControlledBy reports whether obj's controller reference points at owner.
func IsControlledBy(obj, owner metav1.Object) bool {
	ref := metav1.GetControllerOf(obj)
	return ref != nil && ref.UID == owner.GetUID()
}

// CopyMap returns a non-nil copy of m.
func CopyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// FilterMap returns the entries of m whose key passes keep, or nil if none do.
func FilterMap(m map[string]string, keep func(string) bool) map[string]string {
	var out map[string]string
	for k, v := range m {
		if keep(k) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// IsUserAnnotation reports whether an annotation should propagate from a parent
// to its children: kubectl's bookkeeping does not.
func IsUserAnnotation(key string) bool {
	return !strings.HasPrefix(key, "kubectl.kubernetes.io/")
}
