package cluster

import (
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// genChars are Kubernetes' generated-name characters.
const genChars = "bcdfghjklmnpqrstvwxz2456789"

func podsTestDeployment(edit func(*appsv1.Deployment)) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "hello-00001-deployment", Namespace: "default", UID: "dep-uid"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      map[string]string{"app": "hello"},
					Annotations: map[string]string{"note": "x"},
				},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "user-container", Image: "hello"}}},
			},
		},
	}
	if edit != nil {
		edit(d)
	}
	return d
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		v    uint64
		n    int
		want string
	}{
		{name: "zero", v: 0, n: 5, want: "bbbbb"},
		{name: "least significant digit first", v: 1, n: 3, want: "cbb"},
		{name: "last character", v: 26, n: 2, want: "9b"},
		{name: "carry", v: 27, n: 2, want: "bc"},
		{name: "truncates to n digits", v: 27 * 27, n: 2, want: "bb"},
		{name: "max value", v: ^uint64(0), n: 1, want: string(genChars[^uint64(0)%27])},
		{name: "empty", v: 42, n: 0, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := encode(tc.v, tc.n); got != tc.want {
				t.Errorf("encode(%d, %d) = %q, want %q", tc.v, tc.n, got, tc.want)
			}
		})
	}
}

func TestTemplateHash(t *testing.T) {
	base := templateHash(podsTestDeployment(nil))
	if !regexp.MustCompile(`^[` + genChars + `]{10}$`).MatchString(base) {
		t.Fatalf("templateHash = %q, want 10 characters of %s", base, genChars)
	}
	tests := []struct {
		name   string
		edit   func(*appsv1.Deployment)
		differ bool
	}{
		{name: "same template, same hash"},
		{name: "replicas do not matter", edit: func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To[int32](7) }},
		{name: "deployment metadata does not matter", edit: func(d *appsv1.Deployment) {
			d.Name, d.Namespace, d.UID = "other", "other-ns", "other-uid"
			d.Labels = map[string]string{"a": "b"}
			d.Generation = 9
		}},
		{name: "image changes the hash", edit: func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Image = "hello:v2"
		}, differ: true},
		{name: "pod labels change the hash", edit: func(d *appsv1.Deployment) {
			d.Spec.Template.Labels["version"] = "2"
		}, differ: true},
		{name: "pod annotations change the hash", edit: func(d *appsv1.Deployment) {
			d.Spec.Template.Annotations["note"] = "y"
		}, differ: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := templateHash(podsTestDeployment(tc.edit))
			if (got != base) != tc.differ {
				t.Errorf("templateHash = %q, base %q: differ = %v, want %v", got, base, got != base, tc.differ)
			}
		})
	}
}

func TestPodName(t *testing.T) {
	d := podsTestDeployment(nil)
	const hash = "bcdfghjklm"
	format := regexp.MustCompile(`^hello-00001-deployment-bcdfghjklm-[` + genChars + `]{5}$`)
	base := PodName(d, hash, 0)
	if !format.MatchString(base) {
		t.Fatalf("PodName = %q, want <deployment>-<hash>-<5 chars>", base)
	}
	tests := []struct {
		name    string
		d       *appsv1.Deployment
		ordinal int
		differ  bool
	}{
		{name: "same inputs, same name", d: podsTestDeployment(nil)},
		{name: "template does not change the suffix", d: podsTestDeployment(func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Image = "other"
			d.UID = "other-uid"
		})},
		{name: "next ordinal, new name", d: d, ordinal: 1, differ: true},
		{name: "other namespace, new name", d: podsTestDeployment(func(d *appsv1.Deployment) { d.Namespace = "prod" }), differ: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := PodName(tc.d, hash, tc.ordinal)
			if !format.MatchString(got) {
				t.Errorf("PodName = %q, want <deployment>-<hash>-<5 chars>", got)
			}
			if (got != base) != tc.differ {
				t.Errorf("PodName = %q, base %q: differ = %v, want %v", got, base, got != base, tc.differ)
			}
		})
	}

	seen := map[string]int{}
	for i := range 200 {
		name := PodName(d, hash, i)
		if j, dup := seen[name]; dup {
			t.Errorf("ordinals %d and %d share the pod name %q", j, i, name)
		}
		seen[name] = i
	}
}

func TestMakePod(t *testing.T) {
	d := podsTestDeployment(nil)
	now := time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.FixedZone("x", 3600))
	p := makePod(d, "bcdfghjklm", 4, now)

	want := metav1.ObjectMeta{
		Name:      PodName(d, "bcdfghjklm", 4),
		Namespace: "default",
		Labels:    map[string]string{"app": "hello", "pod-template-hash": "bcdfghjklm"},
		Annotations: map[string]string{
			"note":                  "x",
			"sim.knsim.dev/ordinal": "4",
			// UTC, nanosecond precision, from the injected time.
			"sim.knsim.dev/created-at": "2024-05-06T06:08:09.123Z",
		},
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "apps/v1", Kind: "Deployment", Name: "hello-00001-deployment", UID: "dep-uid",
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
		}},
	}
	if diff := cmp.Diff(want, p.ObjectMeta); diff != "" {
		t.Errorf("pod metadata (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(d.Spec.Template.Spec, p.Spec); diff != "" {
		t.Errorf("pod spec (-template +pod):\n%s", diff)
	}
	if got := ordinal(p); got != 4 {
		t.Errorf("ordinal = %d, want 4", got)
	}
	if got := annotationTime(p, CreatedAtAnnotation); !got.Equal(now) {
		t.Errorf("created-at = %v, want %v", got, now)
	}
	p.Spec.Containers[0].Image = "changed"
	if d.Spec.Template.Spec.Containers[0].Image != "hello" {
		t.Error("makePod aliases the Deployment's pod spec")
	}
}

func TestPodAnnotationHelpers(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		wantOrdinal int
		wantTime    time.Time
	}{
		{name: "absent", wantOrdinal: -1},
		{name: "malformed", annotations: map[string]string{OrdinalAnnotation: "x", ReadyAtAnnotation: "yesterday"}, wantOrdinal: -1},
		{name: "present", annotations: map[string]string{OrdinalAnnotation: "12", ReadyAtAnnotation: "2024-01-02T03:04:05.000000006Z"},
			wantOrdinal: 12, wantTime: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: tc.annotations}}
			if got := ordinal(p); got != tc.wantOrdinal {
				t.Errorf("ordinal = %d, want %d", got, tc.wantOrdinal)
			}
			if got := annotationTime(p, ReadyAtAnnotation); !got.Equal(tc.wantTime) {
				t.Errorf("annotationTime = %v, want %v", got, tc.wantTime)
			}
		})
	}
}

func TestPodStateHelpers(t *testing.T) {
	ready := func(s corev1.ConditionStatus) []corev1.PodCondition {
		return []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}, {Type: corev1.PodReady, Status: s}}
	}
	now := metav1.NewTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name            string
		pod             corev1.Pod
		wantReady       bool
		wantTerminating bool
	}{
		{name: "no conditions"},
		{name: "ready", pod: corev1.Pod{Status: corev1.PodStatus{Conditions: ready(corev1.ConditionTrue)}}, wantReady: true},
		{name: "not ready", pod: corev1.Pod{Status: corev1.PodStatus{Conditions: ready(corev1.ConditionFalse)}}},
		{name: "deleted", pod: corev1.Pod{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &now}}, wantTerminating: true},
		{name: "draining", pod: corev1.Pod{ObjectMeta: metav1.ObjectMeta{
			Annotations: map[string]string{TerminatingAtAnnotation: "2024-01-01T00:00:00Z"},
		}}, wantTerminating: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsReady(&tc.pod); got != tc.wantReady {
				t.Errorf("IsReady = %v, want %v", got, tc.wantReady)
			}
			if got := isTerminating(&tc.pod); got != tc.wantTerminating {
				t.Errorf("isTerminating = %v, want %v", got, tc.wantTerminating)
			}
		})
	}
}

// The memo of template hashes gives templateHash's answer, and a new one
// as soon as the template changes.
func TestTemplateHashesFollowTheTemplate(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"}}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "app", Image: "app:1"}}
	var h templateHashes
	steps := []struct {
		name   string
		change func(*appsv1.Deployment)
	}{
		{"first", func(*appsv1.Deployment) {}},
		{"unchanged", func(*appsv1.Deployment) {}},
		{"new image", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "app:2" }},
		{"new label", func(d *appsv1.Deployment) { d.Spec.Template.Labels = map[string]string{"a": "b"} }},
		{"replicas only", func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To[int32](3) }},
		// Stored objects: the generation moves with the spec.
		{"stored", func(d *appsv1.Deployment) { d.UID, d.Generation = "uid-1", 1 }},
		{"stored, unchanged", func(*appsv1.Deployment) {}},
		{"stored, new image", func(d *appsv1.Deployment) {
			d.Generation = 2
			d.Spec.Template.Spec.Containers[0].Image = "app:3"
		}},
		{"recreated at generation 2", func(d *appsv1.Deployment) {
			d.UID = "uid-2"
			d.Spec.Template.Spec.Containers[0].Image = "app:4"
		}},
	}
	for _, s := range steps {
		s.change(d)
		if got, want := h.of(d), templateHash(d); got != want {
			t.Errorf("%s: templateHashes.of = %s, want %s", s.name, got, want)
		}
	}
	h.forget(types.NamespacedName{Namespace: "default", Name: "web"})
	if len(h.m) != 0 {
		t.Errorf("after forget the memo holds %d templates, want 0", len(h.m))
	}
}
