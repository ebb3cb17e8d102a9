package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func service(traffic ...servingv1.TrafficTarget) *servingv1.Service {
	return &servingv1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name: "hello", Namespace: "default", UID: "svc-uid", Generation: 2,
			Labels: map[string]string{"team": "a"},
			Annotations: map[string]string{
				"note": "keep",
				"kubectl.kubernetes.io/last-applied-configuration": "{}",
			},
		},
		Spec: servingv1.ServiceSpec{
			ConfigurationSpec: servingv1.ConfigurationSpec{Template: servingv1.RevisionTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"autoscaling.knative.dev/min-scale": "1"}},
				Spec: servingv1.RevisionSpec{
					PodSpec:        corev1.PodSpec{Containers: []corev1.Container{{Name: "user-container", Image: "hello"}}},
					TimeoutSeconds: ptr.To[int64](300),
				},
			}},
			RouteSpec: servingv1.RouteSpec{Traffic: traffic},
		},
	}
}

func wantChildMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:        "hello",
		Namespace:   "default",
		Labels:      map[string]string{"team": "a", servingv1.ServiceLabelKey: "hello"},
		Annotations: map[string]string{"note": "keep"},
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "hello", UID: "svc-uid",
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
		}},
	}
}

func TestMakeConfiguration(t *testing.T) {
	s := service()
	before := s.DeepCopy()
	got := MakeConfiguration(s)
	want := &servingv1.Configuration{ObjectMeta: wantChildMeta(), Spec: before.Spec.ConfigurationSpec}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Configuration (-want +got):\n%s", diff)
	}

	// The child owns copies of the Service's maps and spec.
	got.Labels["x"] = "y"
	got.Annotations["x"] = "y"
	got.Spec.Template.Annotations["x"] = "y"
	got.Spec.Template.Spec.Containers[0].Image = "changed"
	if diff := cmp.Diff(before, s); diff != "" {
		t.Errorf("MakeConfiguration result aliases the Service (-before +after):\n%s", diff)
	}
}

func TestMakeConfigurationNoUserAnnotations(t *testing.T) {
	s := service()
	s.Labels = nil
	s.Annotations = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": "{}"}
	got := MakeConfiguration(s)
	if diff := cmp.Diff(map[string]string{servingv1.ServiceLabelKey: "hello"}, got.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if len(got.Annotations) != 0 {
		t.Errorf("annotations = %v, want none", got.Annotations)
	}
}

func TestMakeRoute(t *testing.T) {
	tests := []struct {
		name    string
		traffic []servingv1.TrafficTarget
		want    []servingv1.TrafficTarget
	}{{
		name: "no traffic",
	}, {
		name:    "defaulted latest target is pinned to the service's configuration",
		traffic: []servingv1.TrafficTarget{{Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
		want: []servingv1.TrafficTarget{
			{ConfigurationName: "hello", Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)},
		},
	}, {
		name:    "undefaulted target without revisionName counts as latest",
		traffic: []servingv1.TrafficTarget{{Tag: "t", Percent: ptr.To[int64](100)}},
		want: []servingv1.TrafficTarget{
			{Tag: "t", ConfigurationName: "hello", Percent: ptr.To[int64](100)},
		},
	}, {
		name: "pinned revisions keep no configurationName",
		traffic: []servingv1.TrafficTarget{
			{Tag: "current", RevisionName: "hello-1", Percent: ptr.To[int64](50), LatestRevision: ptr.To(false)},
			{Tag: "old", RevisionName: "hello-0", Percent: ptr.To[int64](0)},
			{Tag: "latest", LatestRevision: ptr.To(true), Percent: ptr.To[int64](50)},
		},
		want: []servingv1.TrafficTarget{
			{Tag: "current", RevisionName: "hello-1", Percent: ptr.To[int64](50), LatestRevision: ptr.To(false)},
			{Tag: "old", RevisionName: "hello-0", Percent: ptr.To[int64](0)},
			{Tag: "latest", ConfigurationName: "hello", LatestRevision: ptr.To(true), Percent: ptr.To[int64](50)},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := service(tc.traffic...)
			before := s.DeepCopy()
			got := MakeRoute(s)
			want := &servingv1.Route{ObjectMeta: wantChildMeta(), Spec: servingv1.RouteSpec{Traffic: tc.want}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Route (-want +got):\n%s", diff)
			}
			for i := range got.Spec.Traffic {
				if p := got.Spec.Traffic[i].Percent; p != nil {
					*p = 7
				}
				got.Spec.Traffic[i].Tag = "changed"
			}
			if diff := cmp.Diff(before, s); diff != "" {
				t.Errorf("MakeRoute result aliases the Service (-before +after):\n%s", diff)
			}
		})
	}
}
