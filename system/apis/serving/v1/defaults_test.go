package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/autoscaling"
)

// defaultedSpec is a RevisionSpec with Knative's config-defaults applied.
func defaultedSpec(containers ...corev1.Container) RevisionSpec {
	return RevisionSpec{
		PodSpec:              corev1.PodSpec{Containers: containers, EnableServiceLinks: ptr.To(false)},
		ContainerConcurrency: ptr.To[int64](0),
		TimeoutSeconds:       ptr.To(DefaultTimeoutSeconds),
	}
}

func TestRevisionSpecSetDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   RevisionSpec
		want RevisionSpec
	}{{
		name: "single unnamed container",
		in:   RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: image}}}},
		want: defaultedSpec(corev1.Container{Name: UserContainerName, Image: image}),
	}, {
		name: "single named container keeps its name",
		in:   RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}},
		want: defaultedSpec(corev1.Container{Name: "app", Image: image}),
	}, {
		name: "several unnamed containers are numbered by index",
		in: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{
			{Image: image}, {Name: "sidecar", Image: "sidecar"}, {Image: "third"},
		}}},
		want: defaultedSpec(
			corev1.Container{Name: "user-container-0", Image: image},
			corev1.Container{Name: "sidecar", Image: "sidecar"},
			corev1.Container{Name: "user-container-2", Image: "third"},
		),
	}, {
		name: "explicit values are kept",
		in: RevisionSpec{
			PodSpec: corev1.PodSpec{
				Containers:         []corev1.Container{{Name: "app", Image: image}},
				EnableServiceLinks: ptr.To(true),
			},
			ContainerConcurrency: ptr.To[int64](10),
			TimeoutSeconds:       ptr.To[int64](60),
		},
		want: RevisionSpec{
			PodSpec: corev1.PodSpec{
				Containers:         []corev1.Container{{Name: "app", Image: image}},
				EnableServiceLinks: ptr.To(true),
			},
			ContainerConcurrency: ptr.To[int64](10),
			TimeoutSeconds:       ptr.To[int64](60),
		},
	}, {
		name: "explicit zero values are kept",
		in: RevisionSpec{
			PodSpec:              corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}},
			ContainerConcurrency: ptr.To[int64](0),
			TimeoutSeconds:       ptr.To[int64](0),
		},
		want: RevisionSpec{
			PodSpec: corev1.PodSpec{
				Containers:         []corev1.Container{{Name: "app", Image: image}},
				EnableServiceLinks: ptr.To(false),
			},
			ContainerConcurrency: ptr.To[int64](0),
			TimeoutSeconds:       ptr.To[int64](0),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("Revision", func(t *testing.T) {
				r := &Revision{Spec: *tc.in.DeepCopy()}
				r.SetDefaults()
				if diff := cmp.Diff(tc.want, r.Spec); diff != "" {
					t.Errorf("spec (-want +got):\n%s", diff)
				}
			})
			t.Run("Configuration", func(t *testing.T) {
				c := &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: *tc.in.DeepCopy()}}}
				c.SetDefaults()
				if diff := cmp.Diff(tc.want, c.Spec.Template.Spec); diff != "" {
					t.Errorf("template spec (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestServiceSetDefaults(t *testing.T) {
	tests := []struct {
		name    string
		traffic []TrafficTarget
		want    []TrafficTarget
	}{{
		name: "no traffic: 100% to the latest revision",
		want: []TrafficTarget{{Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
	}, {
		name: "latestRevision follows revisionName",
		traffic: []TrafficTarget{
			{Tag: "current", RevisionName: "helloworld-go-1", Percent: ptr.To[int64](50)},
			{Tag: "latest", Percent: ptr.To[int64](50)},
		},
		want: []TrafficTarget{
			{Tag: "current", RevisionName: "helloworld-go-1", Percent: ptr.To[int64](50), LatestRevision: ptr.To(false)},
			{Tag: "latest", Percent: ptr.To[int64](50), LatestRevision: ptr.To(true)},
		},
	}, {
		name: "explicit latestRevision is kept",
		traffic: []TrafficTarget{
			{RevisionName: "helloworld-go-1", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)},
			{Tag: "t", LatestRevision: ptr.To(false)},
		},
		want: []TrafficTarget{
			{RevisionName: "helloworld-go-1", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)},
			{Tag: "t", LatestRevision: ptr.To(false)},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Service{
				ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go", Namespace: "default"},
				Spec: ServiceSpec{
					ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{
						Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: image}}}},
					}},
					RouteSpec: RouteSpec{Traffic: tc.traffic},
				},
			}
			s.SetDefaults()
			want := ServiceSpec{
				ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{
					Spec: defaultedSpec(corev1.Container{Name: UserContainerName, Image: image}),
				}},
				RouteSpec: RouteSpec{Traffic: tc.want},
			}
			if diff := cmp.Diff(want, s.Spec); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
			again := s.DeepCopy()
			again.SetDefaults()
			if diff := cmp.Diff(s, again); diff != "" {
				t.Errorf("SetDefaults is not idempotent (-once +twice):\n%s", diff)
			}
		})
	}
}

func TestRouteSetDefaults(t *testing.T) {
	tests := []struct {
		name    string
		traffic []TrafficTarget
		want    []TrafficTarget
	}{{
		name: "no traffic stays empty (only Services get a default target)",
	}, {
		name: "latestRevision defaults from revisionName",
		traffic: []TrafficTarget{
			{RevisionName: "r-1", Percent: ptr.To[int64](90)},
			{ConfigurationName: "c", Percent: ptr.To[int64](10)},
			{ConfigurationName: "c", LatestRevision: ptr.To(false), RevisionName: "r-2"},
		},
		want: []TrafficTarget{
			{RevisionName: "r-1", Percent: ptr.To[int64](90), LatestRevision: ptr.To(false)},
			{ConfigurationName: "c", Percent: ptr.To[int64](10), LatestRevision: ptr.To(true)},
			{ConfigurationName: "c", LatestRevision: ptr.To(false), RevisionName: "r-2"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Route{Spec: RouteSpec{Traffic: tc.traffic}}
			r.SetDefaults()
			if diff := cmp.Diff(tc.want, r.Spec.Traffic); diff != "" {
				t.Errorf("traffic (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPerRequestClassDefaultsConcurrency(t *testing.T) {
	tests := []struct {
		name  string
		class string
		cc    *int64
		want  int64
	}{
		{name: "kpa keeps unlimited", class: autoscaling.KPA, want: 0},
		{name: "no class keeps unlimited", want: 0},
		{name: "keep-alive gets 1", class: autoscaling.KeepAliveClass, want: 1},
		{name: "hybrid gets 1", class: autoscaling.HybridClass, want: 1},
		{name: "explicit value kept for validation to judge", class: autoscaling.KeepAliveClass, cc: ptr.To[int64](4), want: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ann := map[string]string{}
			if tc.class != "" {
				ann[autoscaling.ClassAnnotationKey] = tc.class
			}
			tmpl := RevisionTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: ann}, Spec: RevisionSpec{ContainerConcurrency: tc.cc}}
			tmpl.SetDefaults()
			rev := Revision{ObjectMeta: metav1.ObjectMeta{Annotations: ann}, Spec: RevisionSpec{ContainerConcurrency: tc.cc}}
			rev.SetDefaults()
			got := []int64{*tmpl.Spec.ContainerConcurrency, *rev.Spec.ContainerConcurrency}
			if diff := cmp.Diff([]int64{tc.want, tc.want}, got); diff != "" {
				t.Errorf("containerConcurrency of template, revision (-want +got):\n%s", diff)
			}
		})
	}
}
