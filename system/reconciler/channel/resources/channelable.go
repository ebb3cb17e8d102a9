package resources

import (
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// Template returns t, or the default InMemoryChannel template when t is nil.
func Template(t *messagingv1.ChannelTemplateSpec) *messagingv1.ChannelTemplateSpec {
	if t == nil || t.Kind == "" {
		return messagingv1.DefaultChannelTemplate()
	}
	return t
}

// GVK is the kind a template names.
func GVK(t *messagingv1.ChannelTemplateSpec) schema.GroupVersionKind {
	t = Template(t)
	return schema.FromAPIVersionAndKind(t.APIVersion, t.Kind)
}

// Ref returns a reference to the channel of template t named name.
func Ref(t *messagingv1.ChannelTemplateSpec, namespace, name string) duck.KReference {
	t = Template(t)
	return duck.KReference{APIVersion: t.APIVersion, Kind: t.Kind, Namespace: namespace, Name: name}
}

// New returns an empty unstructured object of ref's kind, for Get.
func New(gvk schema.GroupVersionKind) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	return u
}

// MakeChannel returns a channel of template t's kind named name, in owner's
// namespace and controlled by it (ownerGVK is the owner's kind), with the
// template's spec plus spec (which may set subscribers and delivery).
func MakeChannel(owner metav1.Object, ownerGVK schema.GroupVersionKind, name string, t *messagingv1.ChannelTemplateSpec,
	labels map[string]string, spec *messagingv1.ChannelableSpec) (*unstructured.Unstructured, error) {
	t = Template(t)
	u := New(GVK(t))
	u.SetNamespace(owner.GetNamespace())
	u.SetName(name)
	if len(labels) > 0 {
		u.SetLabels(labels)
	}
	u.SetOwnerReferences([]metav1.OwnerReference{kmeta.ControllerRef(owner, ownerGVK)})
	s := map[string]any{}
	if t.Spec != nil && len(t.Spec.Raw) > 0 {
		if err := json.Unmarshal(t.Spec.Raw, &s); err != nil {
			return nil, fmt.Errorf("reading the spec of channel template %s %s: %w", t.APIVersion, t.Kind, err)
		}
	}
	if spec != nil {
		extra, err := runtime.DefaultUnstructuredConverter.ToUnstructured(spec)
		if err != nil {
			return nil, fmt.Errorf("converting channel spec: %w", err)
		}
		for k, v := range extra {
			s[k] = v
		}
	}
	if len(s) > 0 {
		u.Object["spec"] = s
	}
	return u, nil
}

// SyncSpec copies onto have the spec fields want sets, and for each key in
// exact also removes it from have when want lacks it. Other fields of have
// (such as spec.subscribers, which Subscriptions maintain) are left alone.
// It reports whether anything changed.
func SyncSpec(have, want *unstructured.Unstructured, exact ...string) bool {
	wantSpec, _, _ := unstructured.NestedMap(want.Object, "spec")
	haveSpec, _, _ := unstructured.NestedMap(have.Object, "spec")
	if haveSpec == nil {
		haveSpec = map[string]any{}
	}
	changed := false
	for k, v := range wantSpec {
		if !equalJSON(haveSpec[k], v) {
			haveSpec[k] = v
			changed = true
		}
	}
	for _, k := range exact {
		if _, ok := wantSpec[k]; !ok {
			if _, had := haveSpec[k]; had {
				delete(haveSpec, k)
				changed = true
			}
		}
	}
	if changed {
		have.Object["spec"] = haveSpec
	}
	return changed
}

// equalJSON compares two unstructured values by their JSON form, so that
// int64 and float64 numbers of equal value compare equal.
func equalJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// Status reads the Channelable status of any channel kind.
func Status(u *unstructured.Unstructured) (messagingv1.ChannelableStatus, error) {
	var st messagingv1.ChannelableStatus
	raw, ok, err := unstructured.NestedMap(u.Object, "status")
	if err != nil || !ok {
		return st, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &st); err != nil {
		return st, fmt.Errorf("reading status of %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	return st, nil
}

// Subscribers reads spec.subscribers of any channel kind.
func Subscribers(u *unstructured.Unstructured) ([]duck.SubscriberSpec, error) {
	raw, ok, err := unstructured.NestedSlice(u.Object, "spec", "subscribers")
	if err != nil || !ok {
		return nil, err
	}
	var spec messagingv1.ChannelableSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(map[string]any{"subscribers": raw}, &spec); err != nil {
		return nil, fmt.Errorf("reading spec.subscribers of %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	return spec.Subscribers, nil
}

// SetSubscribers writes spec.subscribers of any channel kind; an empty list
// removes the field.
func SetSubscribers(u *unstructured.Unstructured, subs []duck.SubscriberSpec) error {
	if len(subs) == 0 {
		unstructured.RemoveNestedField(u.Object, "spec", "subscribers")
		return nil
	}
	raw := make([]any, len(subs))
	for i := range subs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&subs[i])
		if err != nil {
			return fmt.Errorf("converting subscriber %s: %w", subs[i].UID, err)
		}
		raw[i] = m
	}
	return unstructured.SetNestedSlice(u.Object, raw, "spec", "subscribers")
}
