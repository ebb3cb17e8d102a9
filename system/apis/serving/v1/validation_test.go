package v1

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/apis/fielderr"
)

const image = "gcr.io/knative-samples/helloworld-go"

// errString turns a result into "" (valid) or its full message.
func errString(fe *fielderr.FieldError) string {
	if err := fe.Err(); err != nil {
		return err.Error()
	}
	return ""
}

// service returns the helloworld-go Service after edit and defaulting.
func service(edit func(*Service)) *Service {
	s := &Service{
		ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go", Namespace: "default"},
		Spec: ServiceSpec{ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{
			Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: image}}}},
		}}},
	}
	if edit != nil {
		edit(s)
	}
	s.SetDefaults()
	return s
}

func target(tag, rev string, percent int64) TrafficTarget {
	return TrafficTarget{Tag: tag, RevisionName: rev, Percent: ptr.To(percent)}
}

func dns1035(v string) string { return strings.Join(validation.IsDNS1035Label(v), ", ") }

func TestServiceValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Service)
		want string
	}{
		{name: "minimal, defaulted"},
		{name: "split example", edit: func(s *Service) {
			s.Spec.Template.Name = "helloworld-go-2"
			s.Spec.Traffic = []TrafficTarget{
				target("current", "helloworld-go-1", 50),
				target("candidate", "helloworld-go-2", 50),
				{Tag: "latest", LatestRevision: ptr.To(true), Percent: ptr.To[int64](0)},
			}
		}},
		{name: "sum 90", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{target("", "helloworld-go-1", 40), target("", "helloworld-go-2", 50)}
		}, want: "Traffic targets sum to 90, want 100: spec.traffic"},
		{name: "percent out of bounds", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{target("", "helloworld-go-1", 101), target("", "helloworld-go-2", -1)}
		}, want: "expected 0 <= -1 <= 100: spec.traffic[1].percent\nexpected 0 <= 101 <= 100: spec.traffic[0].percent"},
		{name: "duplicate tag", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{target("a", "helloworld-go-1", 50), target("b", "helloworld-go-2", 0), target("a", "helloworld-go-3", 50)}
		}, want: `Multiple definitions for "a": spec.traffic[0].tag, spec.traffic[2].tag`},
		{name: "tag not a DNS-1035 label", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{target("Bad_Tag", "helloworld-go-1", 100)}
		}, want: "invalid value: Bad_Tag: spec.traffic[0].tag\n" + dns1035("Bad_Tag")},
		{name: "revisionName with latestRevision true", edit: func(s *Service) {
			tt := target("", "helloworld-go-1", 100)
			tt.LatestRevision = ptr.To(true)
			s.Spec.Traffic = []TrafficTarget{tt}
		}, want: `may not set revisionName "helloworld-go-1" when latestRevision is true: spec.traffic[0].latestRevision`},
		{name: "latestRevision false without revisionName", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{{LatestRevision: ptr.To(false), Percent: ptr.To[int64](100)}}
		}, want: "missing field(s): spec.traffic[0].revisionName\nlatestRevision: false pins the target to a revisionName"},
		{name: "configurationName in a Service", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{{ConfigurationName: "helloworld-go", Percent: ptr.To[int64](100)}}
		}, want: "must not set the field(s): spec.traffic[0].configurationName"},
		{name: "revisionName not a name", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{target("", "Bad_Name", 100)}
		}, want: "invalid value: Bad_Name: spec.traffic[0].revisionName\n" + strings.Join(validation.IsDNS1123Subdomain("Bad_Name"), ", ")},
		{name: "url in spec", edit: func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{{URL: "http://x", Percent: ptr.To[int64](100)}}
		}, want: "must not set the field(s): spec.traffic[0].url"},

		{name: "template name with prefix", edit: func(s *Service) { s.Spec.Template.Name = "helloworld-go-v1" }},
		{name: "template name without prefix", edit: func(s *Service) { s.Spec.Template.Name = "other-1" },
			want: `invalid value: "other-1" must have prefix "helloworld-go-": spec.template.metadata.name`},
		{name: "template name not a DNS-1035 label", edit: func(s *Service) { s.Spec.Template.Name = "helloworld-go-1.2" },
			want: "invalid value: helloworld-go-1.2: spec.template.metadata.name\n" + dns1035("helloworld-go-1.2")},
		{name: "template name with generateName parent", edit: func(s *Service) {
			s.Name, s.GenerateName, s.Spec.Template.Name = "", "hello-", "hello-1"
		}, want: "must not set the field(s): spec.template.metadata.name"},

		{name: "keep-alive class defaults containerConcurrency to 1", edit: func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.ClassAnnotationKey: autoscaling.KeepAliveClass}
		}},
		{name: "hybrid class with containerConcurrency 1", edit: func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.ClassAnnotationKey: autoscaling.HybridClass}
			s.Spec.Template.Spec.ContainerConcurrency = ptr.To[int64](1)
		}},
		{name: "keep-alive class with containerConcurrency 10", edit: func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.ClassAnnotationKey: autoscaling.KeepAliveClass}
			s.Spec.Template.Spec.ContainerConcurrency = ptr.To[int64](10)
		}, want: "must be 1 for autoscaling.knative.dev/class keepalive.autoscaling.knsim.dev, which scales per request (got 10): spec.template.spec.containerConcurrency"},
		{name: "keep-alive class with a bad keep-alive", edit: func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.ClassAnnotationKey: autoscaling.KeepAliveClass, autoscaling.KeepAliveAnnotationKey: "ten minutes"}
		}, want: `"ten minutes" is not a Go duration (such as "10m" or "1h30m"): spec.template.metadata.annotations.autoscaling.knsim.dev/keep-alive`},

		{name: "no containers", edit: func(s *Service) { s.Spec.Template.Spec.Containers = nil },
			want: "missing field(s): spec.template.spec.containers"},
		{name: "no image", edit: func(s *Service) { s.Spec.Template.Spec.Containers[0].Image = "" },
			want: "missing field(s): spec.template.spec.containers[0].image"},
		{name: "one port", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8081}}
		}},
		{name: "reserved port", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8012}}
		}, want: "8012 is a reserved port: spec.template.spec.containers[0].ports[0].containerPort\n8012 is used by the queue-proxy, please use a different value"},
		{name: "port out of range", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 70000}}
		}, want: "expected 0 <= 70000 <= 65535: spec.template.spec.containers[0].ports[0].containerPort"},
		{name: "sidecar with one port", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}}
			s.Spec.Template.Spec.Containers = append(s.Spec.Template.Spec.Containers, corev1.Container{Image: "sidecar"})
		}},
		{name: "sidecar without a port", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers = append(s.Spec.Template.Spec.Containers, corev1.Container{Image: "sidecar"})
		}, want: "missing field(s): spec.template.spec.containers[*].ports\nExactly one container must declare the port that receives requests"},
		{name: "two ports", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}}
			s.Spec.Template.Spec.Containers = append(s.Spec.Template.Spec.Containers,
				corev1.Container{Image: "sidecar", Ports: []corev1.ContainerPort{{ContainerPort: 8081}}})
		}, want: "more than one container port is set: spec.template.spec.containers[*].ports\nOnly a single port is allowed across all containers"},

		{name: "containerConcurrency max", edit: func(s *Service) { s.Spec.Template.Spec.ContainerConcurrency = ptr.To[int64](1000) }},
		{name: "containerConcurrency too high", edit: func(s *Service) { s.Spec.Template.Spec.ContainerConcurrency = ptr.To[int64](1001) },
			want: "expected 0 <= 1001 <= 1000: spec.template.spec.containerConcurrency"},
		{name: "containerConcurrency negative", edit: func(s *Service) { s.Spec.Template.Spec.ContainerConcurrency = ptr.To[int64](-1) },
			want: "expected 0 <= -1 <= 1000: spec.template.spec.containerConcurrency"},
		{name: "timeout max", edit: func(s *Service) { s.Spec.Template.Spec.TimeoutSeconds = ptr.To[int64](600) }},
		{name: "timeout too long", edit: func(s *Service) { s.Spec.Template.Spec.TimeoutSeconds = ptr.To[int64](601) },
			want: "expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds"},
		{name: "timeout negative", edit: func(s *Service) { s.Spec.Template.Spec.TimeoutSeconds = ptr.To[int64](-1) },
			want: "expected 0 <= -1 <= 600: spec.template.spec.timeoutSeconds"},
		{name: "sub-timeouts within timeout", edit: func(s *Service) {
			s.Spec.Template.Spec.TimeoutSeconds = ptr.To[int64](10)
			s.Spec.Template.Spec.ResponseStartTimeoutSeconds = ptr.To[int64](10)
			s.Spec.Template.Spec.IdleTimeoutSeconds = ptr.To[int64](0)
		}},
		{name: "sub-timeouts out of bounds", edit: func(s *Service) {
			s.Spec.Template.Spec.TimeoutSeconds = ptr.To[int64](10)
			s.Spec.Template.Spec.ResponseStartTimeoutSeconds = ptr.To[int64](11)
			s.Spec.Template.Spec.IdleTimeoutSeconds = ptr.To[int64](-1)
		}, want: "expected 0 <= -1 <= 10: spec.template.spec.idleTimeoutSeconds\nexpected 0 <= 11 <= 10: spec.template.spec.responseStartTimeoutSeconds"},

		{name: "autoscaling annotations", edit: func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.TargetAnnotationKey: "10", autoscaling.MinScaleAnnotationKey: "1"}
		}},
		{name: "bad autoscaling annotation", edit: func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.MinScaleAnnotationKey: "-1"}
		}, want: "expected 0 <= -1 <= 2147483647: spec.template.metadata.annotations.autoscaling.knative.dev/min-scale"},
		{name: "rollout duration", edit: func(s *Service) { s.Annotations = map[string]string{RolloutDurationKey: "380s"} }},
		{name: "rollout duration unparsable", edit: func(s *Service) { s.Annotations = map[string]string{RolloutDurationKey: "380"} },
			want: "invalid value: 380: metadata.annotations.serving.knative.dev/rollout-duration"},
		{name: "rollout duration fractional", edit: func(s *Service) { s.Annotations = map[string]string{RolloutDurationKey: "1.5s"} },
			want: "must be specified with at most second precision: metadata.annotations.serving.knative.dev/rollout-duration"},

		{name: "several errors, sorted", edit: func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Image = ""
			s.Spec.Traffic = []TrafficTarget{target("", "helloworld-go-1", 90)}
		}, want: "Traffic targets sum to 90, want 100: spec.traffic\nmissing field(s): spec.template.spec.containers[0].image"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, errString(service(tc.edit).Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouteValidate(t *testing.T) {
	tests := []struct {
		name    string
		traffic []TrafficTarget // validated as given: also covers undefaulted targets
		want    string
	}{
		{name: "empty"},
		{name: "configuration, undefaulted", traffic: []TrafficTarget{{ConfigurationName: "c", Percent: ptr.To[int64](100)}}},
		{name: "revision, undefaulted", traffic: []TrafficTarget{target("", "r-1", 100)}},
		{name: "split", traffic: []TrafficTarget{
			target("current", "c-1", 50), target("candidate", "c-2", 50),
			{Tag: "latest", ConfigurationName: "c", LatestRevision: ptr.To(true), Percent: ptr.To[int64](0)},
		}},
		{name: "sum 90", traffic: []TrafficTarget{target("", "r-1", 90)},
			want: "Traffic targets sum to 90, want 100: spec.traffic"},
		{name: "nil percents", traffic: []TrafficTarget{{RevisionName: "r-1"}},
			want: "Traffic targets sum to 0, want 100: spec.traffic"},
		{name: "revision and configuration", traffic: []TrafficTarget{{RevisionName: "r-1", ConfigurationName: "c", Percent: ptr.To[int64](100)}},
			want: "expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName"},
		{name: "neither", traffic: []TrafficTarget{{Percent: ptr.To[int64](100)}},
			want: "expected exactly one, got neither: spec.traffic[0].configurationName, spec.traffic[0].revisionName"},
		{name: "latest false with configuration only", traffic: []TrafficTarget{{ConfigurationName: "c", LatestRevision: ptr.To(false), Percent: ptr.To[int64](100)}},
			want: "missing field(s): spec.traffic[0].revisionName\nlatestRevision: false pins the target to a revisionName"},
		{name: "revision with latest true", traffic: []TrafficTarget{{RevisionName: "r-1", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)}},
			want: `may not set revisionName "r-1" when latestRevision is true: spec.traffic[0].latestRevision`},
		{name: "duplicate tag", traffic: []TrafficTarget{target("x", "r-1", 50), target("x", "r-2", 50)},
			want: `Multiple definitions for "x": spec.traffic[0].tag, spec.traffic[1].tag`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Spec: RouteSpec{Traffic: tc.traffic}}
			if diff := cmp.Diff(tc.want, errString(r.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigurationValidate(t *testing.T) {
	tests := []struct {
		name string
		tmpl RevisionTemplateSpec
		want string
	}{
		{name: "valid", tmpl: service(nil).Spec.Template},
		{name: "bad name", tmpl: service(func(s *Service) { s.Spec.Template.Name = "x-1" }).Spec.Template,
			want: `invalid value: "x-1" must have prefix "helloworld-go-": spec.template.metadata.name`},
		{name: "no containers", want: "missing field(s): spec.template.spec.containers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go"}, Spec: ConfigurationSpec{Template: tc.tmpl}}
			if diff := cmp.Diff(tc.want, errString(c.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRevisionValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Revision)
		want string
	}{
		{name: "valid"},
		{name: "no image", edit: func(r *Revision) { r.Spec.Containers[0].Image = "" },
			want: "missing field(s): spec.containers[0].image"},
		{name: "timeout", edit: func(r *Revision) { r.Spec.TimeoutSeconds = ptr.To[int64](601) },
			want: "expected 0 <= 601 <= 600: spec.timeoutSeconds"},
		{name: "bad window", edit: func(r *Revision) { r.Annotations = map[string]string{autoscaling.WindowAnnotationKey: "1s"} },
			want: "expected 6s <= 1s <= 1h0m0s: metadata.annotations.autoscaling.knative.dev/window"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Revision{ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go-1"}, Spec: service(nil).Spec.Template.Spec}
			if tc.edit != nil {
				tc.edit(r)
			}
			if diff := cmp.Diff(tc.want, errString(r.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

// cmp.Diff output is deliberately unstable, so update tests pin the message
// and path and only look for the changed value in the details.
func TestRevisionValidateUpdate(t *testing.T) {
	old := &Revision{ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go-1"}, Spec: service(nil).Spec.Template.Spec}
	relabeled := old.DeepCopy()
	relabeled.Labels = map[string]string{RoutingStateLabelKey: "active"}
	if got := errString(relabeled.ValidateUpdate(old)); got != "" {
		t.Errorf("metadata-only update: %s", got)
	}
	if got := errString(old.DeepCopy().ValidateUpdate(nil)); got != "" {
		t.Errorf("update without old: %s", got)
	}
	changed := old.DeepCopy()
	changed.Spec.Containers[0].Image = "example.com/new"
	got := errString(changed.ValidateUpdate(old))
	if !strings.HasPrefix(got, "Immutable fields changed (-old +new): spec\n") || !strings.Contains(got, "example.com/new") {
		t.Errorf("spec change: got %q", got)
	}
}

func TestServiceValidateUpdate(t *testing.T) {
	named := func(name, img string) func(*Service) {
		return func(s *Service) {
			s.Spec.Template.Name = name
			s.Spec.Template.Spec.Containers[0].Image = img
		}
	}
	tests := []struct {
		name       string
		old, cur   *Service
		wantPrefix string // "" means valid
	}{
		{name: "generated names may change freely", old: service(nil), cur: service(named("", "example.com/v2"))},
		{name: "new name with new spec", old: service(named("helloworld-go-1", image)), cur: service(named("helloworld-go-2", "example.com/v2"))},
		{name: "same name, same template, new traffic", old: service(named("helloworld-go-1", image)), cur: service(func(s *Service) {
			named("helloworld-go-1", image)(s)
			s.Spec.Traffic = []TrafficTarget{target("", "helloworld-go-1", 100)}
		})},
		{name: "nil and empty annotations are the same", old: service(named("helloworld-go-1", image)), cur: service(func(s *Service) {
			named("helloworld-go-1", image)(s)
			s.Spec.Template.Annotations = map[string]string{}
		})},
		{name: "same name, new spec", old: service(named("helloworld-go-1", image)), cur: service(named("helloworld-go-1", "example.com/v2")),
			wantPrefix: "Saw the following changes without a name change (-old +new): spec.template.metadata.name\n"},
		{name: "same name, new annotations", old: service(named("helloworld-go-1", image)), cur: service(func(s *Service) {
			named("helloworld-go-1", image)(s)
			s.Spec.Template.Annotations = map[string]string{autoscaling.MinScaleAnnotationKey: "1"}
		}), wantPrefix: "Saw the following changes without a name change (-old +new): spec.template.metadata.name\n"},
		{name: "still validates", old: service(nil), cur: service(named("", "")),
			wantPrefix: "missing field(s): spec.template.spec.containers[0].image"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := errString(tc.cur.ValidateUpdate(tc.old))
			if tc.wantPrefix == "" && got != "" || !strings.HasPrefix(got, tc.wantPrefix) {
				t.Errorf("ValidateUpdate = %q, want prefix %q", got, tc.wantPrefix)
			}
		})
	}
}

func TestConfigurationValidateUpdate(t *testing.T) {
	old := &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go"}, Spec: service(named1).Spec.ConfigurationSpec}
	if got := errString(old.DeepCopy().ValidateUpdate(old)); got != "" {
		t.Errorf("no-op update: %s", got)
	}
	cur := old.DeepCopy()
	cur.Spec.Template.Spec.ContainerConcurrency = ptr.To[int64](5)
	want := "Saw the following changes without a name change (-old +new): spec.template.metadata.name\n"
	if got := errString(cur.ValidateUpdate(old)); !strings.HasPrefix(got, want) {
		t.Errorf("ValidateUpdate = %q, want prefix %q", got, want)
	}
}

func named1(s *Service) { s.Spec.Template.Name = "helloworld-go-1" }

// TestObjectMetadataValidate: every Serving kind refuses a name Knative
// refuses, with Knative's message; a Service name of 84 characters was
// admitted and then looped on the 63-byte limit of label values.
func TestObjectMetadataValidate(t *testing.T) {
	long := strings.Repeat("a", 84)
	const tooLong = "not a DNS 1035 label: [must be no more than 63 characters]: metadata.name"
	tests := []struct {
		name string
		obj  interface{ Validate() *fielderr.FieldError }
		want string
	}{
		{name: "Service of 63 characters", obj: service(func(s *Service) { s.Name = strings.Repeat("a", 63) })},
		{name: "Service of 84 characters", obj: service(func(s *Service) { s.Name = long }), want: tooLong},
		{name: "Service starting with a digit", obj: service(func(s *Service) { s.Name = "1st" }),
			want: "not a DNS 1035 label: [" + dns1035("1st") + "]: metadata.name"},
		{name: "Service with a generateName of 80 characters", obj: service(func(s *Service) { s.Name, s.GenerateName = "", strings.Repeat("g", 80) }),
			want: "not a DNS 1035 label prefix: [must be no more than 63 characters]: metadata.generateName"},
		{name: "Configuration of 84 characters", obj: &Configuration{ObjectMeta: metav1.ObjectMeta{Name: long},
			Spec: ConfigurationSpec{Template: service(nil).Spec.Template}}, want: tooLong},
		{name: "Route of 84 characters", obj: &Route{ObjectMeta: metav1.ObjectMeta{Name: long}}, want: tooLong},
		{name: "Revision of 84 characters", obj: &Revision{ObjectMeta: metav1.ObjectMeta{Name: long},
			Spec: service(nil).Spec.Template.Spec}, want: tooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, errString(tc.obj.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}
