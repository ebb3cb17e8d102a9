package resources

import (
	"regexp"
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

// suffixChars are Kubernetes' generated-name characters (no vowels, no
// look-alike digits).
const suffixChars = "bcdfghjklmnpqrstvwxz2456789"

var generatedName = regexp.MustCompile(`^helloworld-go-[` + suffixChars + `]{5}$`)

func TestRevisionName(t *testing.T) {
	base := RevisionName(config(nil))
	if !generatedName.MatchString(base) {
		t.Fatalf("RevisionName = %q, want helloworld-go-<5 chars of %s>", base, suffixChars)
	}
	tests := []struct {
		name string
		edit func(*servingv1.Configuration)
		// want is an exact name; when empty, the name must be generated and
		// differ from base iff differ.
		want   string
		differ bool
	}{
		{name: "same inputs, same name", edit: nil},
		{name: "labels, annotations and spec do not matter", edit: func(c *servingv1.Configuration) {
			c.Labels = map[string]string{"a": "b"}
			c.Annotations = map[string]string{"c": "d"}
			c.UID = "other-uid"
			c.Spec.Template.Spec.Containers[0].Image = "other"
		}},
		{name: "new generation, new name", edit: func(c *servingv1.Configuration) { c.Generation = 4 }, differ: true},
		{name: "other namespace, other name", edit: func(c *servingv1.Configuration) { c.Namespace = "prod" }, differ: true},
		{name: "given template name wins", edit: func(c *servingv1.Configuration) {
			c.Spec.Template.Name = "helloworld-go-v2"
		}, want: "helloworld-go-v2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RevisionName(config(tc.edit))
			if tc.want != "" {
				if got != tc.want {
					t.Errorf("RevisionName = %q, want %q", got, tc.want)
				}
				return
			}
			if !generatedName.MatchString(got) {
				t.Errorf("RevisionName = %q, want helloworld-go-<5 chars of %s>", got, suffixChars)
			}
			if (got != base) != tc.differ {
				t.Errorf("RevisionName = %q, base %q: differ = %v, want %v", got, base, got != base, tc.differ)
			}
		})
	}
}

func TestRevisionNameOtherConfiguration(t *testing.T) {
	got := RevisionName(config(func(c *servingv1.Configuration) { c.Name = "other" }))
	if !regexp.MustCompile(`^other-[` + suffixChars + `]{5}$`).MatchString(got) {
		t.Errorf("RevisionName = %q, want other-<5 chars>", got)
	}
}

func TestSuffixSpread(t *testing.T) {
	// A deterministic hash should still spread generations over distinct
	// suffixes; 100 generations must not collapse onto a handful of names.
	seen := map[string]bool{}
	for g := int64(1); g <= 100; g++ {
		seen[RevisionName(config(func(c *servingv1.Configuration) { c.Generation = g }))] = true
	}
	if len(seen) < 99 {
		t.Errorf("100 generations gave %d distinct names", len(seen))
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
