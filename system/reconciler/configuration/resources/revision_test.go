package resources

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func config(edit func(*servingv1.Configuration)) *servingv1.Configuration {
	c := &servingv1.Configuration{
		ObjectMeta: metav1.ObjectMeta{Name: "helloworld-go", Namespace: "default", Generation: 3, UID: "cfg-uid"},
		Spec: servingv1.ConfigurationSpec{Template: servingv1.RevisionTemplateSpec{
			Spec: servingv1.RevisionSpec{
				PodSpec:        corev1.PodSpec{Containers: []corev1.Container{{Name: "user-container", Image: "helloworld-go"}}},
				TimeoutSeconds: ptr.To[int64](300),
			},
		}},
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func TestRevisionName(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*servingv1.Configuration)
		want string
	}{
		{name: "the generation in five digits", want: "helloworld-go-00003"},
		{name: "labels, annotations, UID and spec do not matter", edit: func(c *servingv1.Configuration) {
			c.Labels = map[string]string{"a": "b"}
			c.Annotations = map[string]string{"c": "d"}
			c.UID = "other-uid"
			c.Spec.Template.Spec.Containers[0].Image = "other"
		}, want: "helloworld-go-00003"},
		{name: "first generation", edit: func(c *servingv1.Configuration) { c.Generation = 1 }, want: "helloworld-go-00001"},
		{name: "six digits", edit: func(c *servingv1.Configuration) { c.Generation = 123456 }, want: "helloworld-go-123456"},
		{name: "other configuration", edit: func(c *servingv1.Configuration) { c.Name = "other" }, want: "other-00003"},
		{name: "a long name is cut and hashed", edit: func(c *servingv1.Configuration) { c.Name = strings.Repeat("a", 60) },
			want: strings.Repeat("a", 25) + "cc7ed669cf88f201c3297c6a91e1d18d-00003"},
		{name: "given template name wins", edit: func(c *servingv1.Configuration) {
			c.Spec.Template.Name = "helloworld-go-v2"
		}, want: "helloworld-go-v2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RevisionName(config(tc.edit)); got != tc.want {
				t.Errorf("RevisionName = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMakeRevision(t *testing.T) {
	ownerRef := metav1.OwnerReference{
		APIVersion: "serving.knative.dev/v1", Kind: "Configuration", Name: "helloworld-go", UID: "cfg-uid",
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
	baseLabels := func(extra map[string]string) map[string]string {
		l := map[string]string{
			servingv1.ConfigurationLabelKey:           "helloworld-go",
			servingv1.ConfigurationGenerationLabelKey: "3",
			servingv1.ConfigurationUIDLabelKey:        "cfg-uid",
		}
		for k, v := range extra {
			l[k] = v
		}
		return l
	}
	tests := []struct {
		name            string
		edit            func(*servingv1.Configuration)
		wantName        string
		wantLabels      map[string]string
		wantAnnotations map[string]string
	}{{
		name:            "bare configuration",
		wantLabels:      baseLabels(nil),
		wantAnnotations: map[string]string{},
	}, {
		name: "template labels kept, serving labels win over them",
		edit: func(c *servingv1.Configuration) {
			c.Spec.Template.Labels = map[string]string{"app": "hello", servingv1.ConfigurationLabelKey: "spoofed"}
		},
		wantLabels:      baseLabels(map[string]string{"app": "hello"}),
		wantAnnotations: map[string]string{},
	}, {
		name: "service label copied from the configuration",
		edit: func(c *servingv1.Configuration) {
			c.Labels = map[string]string{servingv1.ServiceLabelKey: "helloworld-go", "team": "x"}
		},
		wantLabels:      baseLabels(map[string]string{servingv1.ServiceLabelKey: "helloworld-go"}),
		wantAnnotations: map[string]string{},
	}, {
		name: "annotations: template wins, user annotations inherited, kubectl ones dropped",
		edit: func(c *servingv1.Configuration) {
			c.Annotations = map[string]string{
				"shared":      "from-config",
				"only-config": "c",
				"kubectl.kubernetes.io/last-applied-configuration": "{}",
			}
			c.Spec.Template.Annotations = map[string]string{
				"shared":                            "from-template",
				"autoscaling.knative.dev/min-scale": "1",
			}
		},
		wantLabels: baseLabels(nil),
		wantAnnotations: map[string]string{
			"shared":                            "from-template",
			"only-config":                       "c",
			"autoscaling.knative.dev/min-scale": "1",
		},
	}, {
		name:            "given template name",
		edit:            func(c *servingv1.Configuration) { c.Spec.Template.Name = "helloworld-go-v2" },
		wantName:        "helloworld-go-v2",
		wantLabels:      baseLabels(nil),
		wantAnnotations: map[string]string{},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(tc.edit)
			before := cfg.DeepCopy()
			rev := MakeRevision(cfg)

			wantName := tc.wantName
			if wantName == "" {
				wantName = RevisionName(cfg)
			}
			want := metav1.ObjectMeta{
				Name:            wantName,
				Namespace:       "default",
				Labels:          tc.wantLabels,
				Annotations:     tc.wantAnnotations,
				OwnerReferences: []metav1.OwnerReference{ownerRef},
			}
			if diff := cmp.Diff(want, rev.ObjectMeta); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(cfg.Spec.Template.Spec, rev.Spec); diff != "" {
				t.Errorf("spec (-template +revision):\n%s", diff)
			}

			// The Revision owns copies: editing it leaves the Configuration alone.
			rev.Labels["x"] = "y"
			rev.Annotations["x"] = "y"
			rev.Spec.Containers[0].Image = "changed"
			if diff := cmp.Diff(before, cfg); diff != "" {
				t.Errorf("MakeRevision result aliases the Configuration (-before +after):\n%s", diff)
			}
		})
	}
}
