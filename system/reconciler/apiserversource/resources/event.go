package resources

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/uuid"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

// Source is the CloudEvents source of every ApiServerSource event: the
// apiserver as seen from inside the cluster. It is a constant so that runs
// are reproducible.
const Source = "https://kubernetes.default.svc"

// Operation is what happened to an object.
type Operation string

// The operations Knative reports.
const (
	Add    Operation = "add"
	Update Operation = "update"
	Delete Operation = "delete"
)

// EventType is the event type of op in mode, e.g.
// dev.knative.apiserver.resource.add or dev.knative.apiserver.ref.delete.
func EventType(mode string, op Operation) string {
	if mode == sourcesv1.ResourceMode {
		return "dev.knative.apiserver.resource." + string(op)
	}
	return "dev.knative.apiserver.ref." + string(op)
}

// CloudEventAttributes lists the types and source a source in mode emits.
func CloudEventAttributes(mode string) []duck.CloudEventAttributes {
	out := make([]duck.CloudEventAttributes, 0, 3)
	for _, op := range []Operation{Add, Update, Delete} {
		out = append(out, duck.CloudEventAttributes{Type: EventType(mode, op), Source: Source})
	}
	return out
}

// Subject names obj as Knative's adapter does, e.g.
// /apis/v1/namespaces/default/pods/p or /apis/apps/v1/namespaces/default/deployments/d.
func Subject(obj *unstructured.Unstructured) string {
	gvr, _ := meta.UnsafeGuessKindToResource(obj.GroupVersionKind())
	if obj.GetNamespace() == "" {
		return fmt.Sprintf("/apis/%s/%s/%s", obj.GetAPIVersion(), gvr.Resource, obj.GetName())
	}
	return fmt.Sprintf("/apis/%s/namespaces/%s/%s/%s", obj.GetAPIVersion(), obj.GetNamespace(), gvr.Resource, obj.GetName())
}

// MakeEvent returns the event s emits for op on obj at now: in Resource
// mode the object is the data, in Reference mode a reference to it. The id
// is derived from the source, the object's uid and resourceVersion and the
// operation, so it is reproducible.
func MakeEvent(s *sourcesv1.ApiServerSource, op Operation, obj *unstructured.Unstructured, now time.Time) (cloudevents.Event, error) {
	ev := cloudevents.NewEvent(cloudevents.VersionV1)
	ev.SetID(uuid.NewSHA1(uuid.NameSpaceURL, []byte(strings.Join([]string{
		string(s.UID), string(obj.GetUID()), obj.GetResourceVersion(), string(op)}, "/"))).String())
	ev.SetType(EventType(s.Spec.EventMode, op))
	ev.SetSource(Source)
	ev.SetSubject(Subject(obj))
	ev.SetTime(now.UTC())
	ev.SetExtension("kind", obj.GetKind())
	ev.SetExtension("name", obj.GetName())
	if obj.GetNamespace() != "" {
		ev.SetExtension("namespace", obj.GetNamespace())
	}
	var data any = obj.Object
	if s.Spec.EventMode != sourcesv1.ResourceMode {
		data = duck.KReference{APIVersion: obj.GetAPIVersion(), Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return ev, fmt.Errorf("encoding %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	if err := ev.SetData(cloudevents.ApplicationJSON, json.RawMessage(raw)); err != nil {
		return ev, fmt.Errorf("setting event data: %w", err)
	}
	if o := s.Spec.CloudEventOverrides; o != nil {
		for k, v := range o.Extensions {
			ev.SetExtension(k, v)
		}
	}
	return ev, nil
}
