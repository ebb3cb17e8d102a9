package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

func source() *sourcesv1.ContainerSource {
	return &sourcesv1.ContainerSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "heartbeat", UID: "c1"},
		Spec: sourcesv1.ContainerSourceSpec{
			SourceSpec: duck.SourceSpec{Sink: duck.Destination{Ref: &duck.KReference{APIVersion: "v1", Kind: "Service", Name: "sink"}}},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "producer", Image: "heartbeats", Env: []corev1.EnvVar{{Name: "K_SINK", Value: "stale"}, {Name: "PERIOD", Value: "1"}},
			}}}},
		},
	}
}

func TestMakeDeployment(t *testing.T) {
	s := source()
	env := []corev1.EnvVar{{Name: "K_SINK", Value: "http://sink.ns.svc.cluster.local"}}
	d := MakeDeployment(s, env)
	if d.Name != "heartbeat-deployment" || *d.Spec.Replicas != 1 || d.Spec.Template.Labels[SourceLabelKey] != "heartbeat" {
		t.Errorf("deployment %s replicas %d labels %v", d.Name, *d.Spec.Replicas, d.Spec.Template.Labels)
	}
	want := []corev1.EnvVar{{Name: "PERIOD", Value: "1"}, {Name: "K_SINK", Value: "http://sink.ns.svc.cluster.local"}}
	if diff := cmp.Diff(want, d.Spec.Template.Spec.Containers[0].Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if s.Spec.Template.Labels != nil || s.Spec.Template.Spec.Containers[0].Env[0].Value != "stale" {
		t.Error("MakeDeployment modified the source")
	}
}

func TestMakeSinkBinding(t *testing.T) {
	sb := MakeSinkBinding(source())
	want := sourcesv1.Reference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: "heartbeat-deployment"}
	if diff := cmp.Diff(want, sb.Spec.Subject); diff != "" {
		t.Errorf("subject (-want +got):\n%s", diff)
	}
	if sb.Name != "heartbeat-sinkbinding" || sb.Spec.Sink.Ref.Namespace != "ns" {
		t.Errorf("binding %s with sink %+v", sb.Name, sb.Spec.Sink.Ref)
	}
}
