package reconciler

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// SyncSet leaves alone what the apiserver defaulted (empty strings, nil
// pointers, zero numbers in want) and copies want over any field it sets
// to another value.
func TestSyncSet(t *testing.T) {
	want := func() corev1.Container {
		return corev1.Container{
			Name:  "queue-proxy",
			Image: "queue:1",
			Env:   []corev1.EnvVar{{Name: "PORT", Value: "8080"}},
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("25m"),
			}},
			ReadinessProbe: &corev1.Probe{PeriodSeconds: 1, ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(8012)},
			}},
		}
	}
	defaulted := func() corev1.Container {
		c := want()
		c.ImagePullPolicy = corev1.PullAlways
		c.TerminationMessagePath = "/dev/termination-log"
		c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("0.025")
		c.ReadinessProbe.TimeoutSeconds, c.ReadinessProbe.FailureThreshold = 1, 3
		c.ReadinessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Scheme = "/", corev1.URISchemeHTTP
		c.SecurityContext = &corev1.SecurityContext{RunAsNonRoot: ptr.To(true)}
		return c
	}
	for _, tc := range []struct {
		name    string
		have    func() corev1.Container
		changed bool
	}{
		{"the same", want, false},
		{"defaulted by the apiserver", defaulted, false},
		{"another image", func() corev1.Container { c := defaulted(); c.Image = "queue:2"; return c }, true},
		{"another env value", func() corev1.Container { c := defaulted(); c.Env[0].Value = "9090"; return c }, true},
		{"an env var missing", func() corev1.Container { c := defaulted(); c.Env = nil; return c }, true},
		{"another probe period", func() corev1.Container { c := defaulted(); c.ReadinessProbe.PeriodSeconds = 10; return c }, true},
		{"another request", func() corev1.Container {
			c := defaulted()
			c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("1")
			return c
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			have := tc.have()
			if got := SyncSet(&have, want()); got != tc.changed {
				t.Errorf("SyncSet changed = %v, want %v", got, tc.changed)
			}
			if tc.changed && have.Image != want().Image {
				t.Errorf("after SyncSet, image %q, want %q", have.Image, want().Image)
			}
		})
	}
}
