package resources

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

func pod() *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"namespace": "default", "name": "p", "uid": "pu", "resourceVersion": "7",
			"labels": map[string]any{"app": "x"}},
	}}
	return u
}

func TestMakeEvent(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC)
	s := &sourcesv1.ApiServerSource{ObjectMeta: metav1.ObjectMeta{UID: "su"}, Spec: sourcesv1.ApiServerSourceSpec{EventMode: "Reference"}}
	ev, err := MakeEvent(s, Add, pod(), now)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type() != "dev.knative.apiserver.ref.add" || ev.Source() != Source || ev.Subject() != "/apis/v1/namespaces/default/pods/p" || !ev.Time().Equal(now) {
		t.Errorf("event = %s", ev)
	}
	var ref duck.KReference
	if err := json.Unmarshal(ev.Data(), &ref); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(duck.KReference{APIVersion: "v1", Kind: "Pod", Namespace: "default", Name: "p"}, ref); diff != "" {
		t.Errorf("reference data (-want +got):\n%s", diff)
	}

	s.Spec.EventMode = "Resource"
	ev, err = MakeEvent(s, Delete, pod(), now)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(ev.Data(), &obj); err != nil {
		t.Fatal(err)
	}
	if ev.Type() != "dev.knative.apiserver.resource.delete" || obj["kind"] != "Pod" {
		t.Errorf("resource event %s with data %v", ev.Type(), obj)
	}
	again, _ := MakeEvent(s, Delete, pod(), now)
	if again.ID() != ev.ID() {
		t.Error("ids are not reproducible")
	}
}

func TestSubject(t *testing.T) {
	d := &unstructured.Unstructured{}
	d.SetAPIVersion("apps/v1")
	d.SetKind("Deployment")
	d.SetNamespace("ns")
	d.SetName("d")
	if got, want := Subject(d), "/apis/apps/v1/namespaces/ns/deployments/d"; got != want {
		t.Errorf("Subject = %q, want %q", got, want)
	}
	n := &unstructured.Unstructured{}
	n.SetAPIVersion("v1")
	n.SetKind("Node")
	n.SetName("n1")
	if got, want := Subject(n), "/apis/v1/nodes/n1"; got != want {
		t.Errorf("Subject = %q, want %q", got, want)
	}
}

func TestOwnedBy(t *testing.T) {
	p := pod()
	owner := &sourcesv1.APIVersionKind{APIVersion: "apps/v1", Kind: "ReplicaSet"}
	if OwnedBy(owner, p) {
		t.Error("pod without owners passed the owner filter")
	}
	p.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", Controller: ptr.To(true)}})
	if !OwnedBy(owner, p) || !OwnedBy(nil, p) {
		t.Error("owned pod failed the owner filter")
	}
}

func TestCloudEventAttributes(t *testing.T) {
	want := []duck.CloudEventAttributes{
		{Type: "dev.knative.apiserver.resource.add", Source: Source},
		{Type: "dev.knative.apiserver.resource.update", Source: Source},
		{Type: "dev.knative.apiserver.resource.delete", Source: Source},
	}
	if diff := cmp.Diff(want, CloudEventAttributes("Resource")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
