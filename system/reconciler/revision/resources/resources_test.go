package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/autoscaling"
	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func revision(edit func(*servingv1.Revision)) *servingv1.Revision {
	r := &servingv1.Revision{
		ObjectMeta: metav1.ObjectMeta{
			Name: "hello-00001", Namespace: "default", UID: "rev-uid",
			Labels: map[string]string{
				servingv1.ConfigurationLabelKey: "hello",
				servingv1.ServiceLabelKey:       "hello-svc",
			},
			Annotations: map[string]string{
				"autoscaling.knative.dev/min-scale":                "1",
				"kubectl.kubernetes.io/last-applied-configuration": "{}",
			},
		},
		Spec: servingv1.RevisionSpec{
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "user-container", Image: "hello",
				Env: []corev1.EnvVar{{Name: "TARGET", Value: "World"}},
			}}},
			ContainerConcurrency: ptr.To[int64](10),
			TimeoutSeconds:       ptr.To[int64](120),
		},
	}
	if edit != nil {
		edit(r)
	}
	return r
}

func wantMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      name,
		Namespace: "default",
		Labels: map[string]string{
			servingv1.ConfigurationLabelKey: "hello",
			servingv1.ServiceLabelKey:       "hello-svc",
			servingv1.RevisionLabelKey:      "hello-00001",
			servingv1.RevisionUIDLabelKey:   "rev-uid",
		},
		Annotations: map[string]string{"autoscaling.knative.dev/min-scale": "1"},
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "serving.knative.dev/v1", Kind: "Revision", Name: "hello-00001", UID: "rev-uid",
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
		}},
	}
}

var wantTargetRef = corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "hello-00001-deployment"}

func containerNames(cs []corev1.Container) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func envMap(env []corev1.EnvVar) map[string]string {
	out := map[string]string{}
	for _, e := range env {
		out[e.Name] = e.Value
	}
	return out
}

func TestMakeDeployment(t *testing.T) {
	rev := revision(nil)
	before := rev.DeepCopy()
	d := MakeDeployment(rev, 3)

	if diff := cmp.Diff(wantMeta("hello-00001-deployment"), d.ObjectMeta); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	if got := ptr.Deref(d.Spec.Replicas, -1); got != 3 {
		t.Errorf("replicas = %d, want 3", got)
	}
	wantSelector := &metav1.LabelSelector{MatchLabels: map[string]string{servingv1.RevisionUIDLabelKey: "rev-uid"}}
	if diff := cmp.Diff(wantSelector, d.Spec.Selector); diff != "" {
		t.Errorf("selector (-want +got):\n%s", diff)
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("selector %s does not match pod labels %v", sel, d.Spec.Template.Labels)
	}
	wantPodLabels := wantMeta("").Labels
	wantPodLabels["app"] = "hello-00001"
	if diff := cmp.Diff(wantPodLabels, d.Spec.Template.Labels); diff != "" {
		t.Errorf("pod labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantMeta("").Annotations, d.Spec.Template.Annotations); diff != "" {
		t.Errorf("pod annotations (-want +got):\n%s", diff)
	}
	if got := ptr.Deref(d.Spec.Template.Spec.TerminationGracePeriodSeconds, -1); got != 120 {
		t.Errorf("terminationGracePeriodSeconds = %d, want the revision timeout 120", got)
	}

	pod := d.Spec.Template.Spec
	if diff := cmp.Diff([]string{"user-container", "queue-proxy"}, containerNames(pod.Containers)); diff != "" {
		t.Fatalf("containers (-want +got):\n%s", diff)
	}
	user, queue := pod.Containers[0], pod.Containers[1]
	wantUserPorts := []corev1.ContainerPort{{Name: "user-port", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}
	if diff := cmp.Diff(wantUserPorts, user.Ports); diff != "" {
		t.Errorf("user ports (-want +got):\n%s", diff)
	}
	wantUserEnv := []corev1.EnvVar{
		{Name: "TARGET", Value: "World"},
		{Name: "PORT", Value: "8080"},
		{Name: "K_REVISION", Value: "hello-00001"},
		{Name: "K_CONFIGURATION", Value: "hello"},
		{Name: "K_SERVICE", Value: "hello-svc"},
	}
	if diff := cmp.Diff(wantUserEnv, user.Env); diff != "" {
		t.Errorf("user env (-want +got):\n%s", diff)
	}

	if queue.Image != QueueProxyImage {
		t.Errorf("queue image = %q, want %q", queue.Image, QueueProxyImage)
	}
	wantQueuePorts := []corev1.ContainerPort{
		{Name: "http1", ContainerPort: 8012, Protocol: corev1.ProtocolTCP},
		{Name: "http-queueadm", ContainerPort: 8022, Protocol: corev1.ProtocolTCP},
		{Name: "http-usermetric", ContainerPort: 9090, Protocol: corev1.ProtocolTCP},
	}
	if diff := cmp.Diff(wantQueuePorts, queue.Ports); diff != "" {
		t.Errorf("queue ports (-want +got):\n%s", diff)
	}
	wantQueueEnv := map[string]string{
		"SERVING_NAMESPACE":        "default",
		"SERVING_SERVICE":          "hello-svc",
		"SERVING_CONFIGURATION":    "hello",
		"SERVING_REVISION":         "hello-00001",
		"CONTAINER_CONCURRENCY":    "10",
		"REVISION_TIMEOUT_SECONDS": "120",
		"USER_PORT":                "8080",
		"QUEUE_SERVING_PORT":       "8012",
	}
	if diff := cmp.Diff(wantQueueEnv, envMap(queue.Env)); diff != "" {
		t.Errorf("queue env (-want +got):\n%s", diff)
	}
	if queue.ReadinessProbe == nil || queue.ReadinessProbe.HTTPGet == nil || queue.ReadinessProbe.HTTPGet.Port.IntVal != 8012 {
		t.Errorf("queue readiness probe = %+v, want HTTP GET on 8012", queue.ReadinessProbe)
	}

	if diff := cmp.Diff(before, rev); diff != "" {
		t.Errorf("MakeDeployment mutated the Revision (-before +after):\n%s", diff)
	}
}

func TestMakeDeploymentPortsAndDefaults(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*servingv1.Revision)
		wantPorts map[string][]corev1.ContainerPort // by container name
		wantUser  string                            // USER_PORT and PORT
		wantGrace int64
	}{{
		name: "declared port is used and renamed user-port",
		edit: func(r *servingv1.Revision) {
			r.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "http1", ContainerPort: 9000}}
		},
		wantPorts: map[string][]corev1.ContainerPort{
			"user-container": {{Name: "user-port", ContainerPort: 9000, Protocol: corev1.ProtocolTCP}},
		},
		wantUser:  "9000",
		wantGrace: 120,
	}, {
		name: "sidecar without ports gets none; the serving container gets the port",
		edit: func(r *servingv1.Revision) {
			r.Spec.Containers = []corev1.Container{
				{Name: "sidecar", Image: "side"},
				{Name: "app", Image: "app", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			}
		},
		wantPorts: map[string][]corev1.ContainerPort{
			"sidecar": nil,
			"app":     {{Name: "user-port", ContainerPort: 8888, Protocol: corev1.ProtocolTCP}},
		},
		wantUser:  "8888",
		wantGrace: 120,
	}, {
		name: "explicit grace period kept",
		edit: func(r *servingv1.Revision) {
			r.Spec.TimeoutSeconds = nil
			r.Spec.TerminationGracePeriodSeconds = ptr.To[int64](5)
		},
		wantPorts: map[string][]corev1.ContainerPort{
			"user-container": {{Name: "user-port", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}},
		},
		wantUser:  "8080",
		wantGrace: 5,
	}, {
		name: "nil timeout gives the default grace period",
		edit: func(r *servingv1.Revision) { r.Spec.TimeoutSeconds = nil },
		wantPorts: map[string][]corev1.ContainerPort{
			"user-container": {{Name: "user-port", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}},
		},
		wantUser:  "8080",
		wantGrace: 300,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := MakeDeployment(revision(tc.edit), 1)
			cs := d.Spec.Template.Spec.Containers
			got := map[string][]corev1.ContainerPort{}
			for _, c := range cs[:len(cs)-1] {
				got[c.Name] = c.Ports
				if p := envMap(c.Env)["PORT"]; c.Ports != nil && p != tc.wantUser {
					t.Errorf("%s: PORT = %q, want %q", c.Name, p, tc.wantUser)
				}
			}
			if diff := cmp.Diff(tc.wantPorts, got); diff != "" {
				t.Errorf("user container ports (-want +got):\n%s", diff)
			}
			if q := cs[len(cs)-1]; q.Name != servingv1.QueueContainerName || envMap(q.Env)["USER_PORT"] != tc.wantUser {
				t.Errorf("last container %q USER_PORT = %q, want queue-proxy with %q", q.Name, envMap(q.Env)["USER_PORT"], tc.wantUser)
			}
			if got := ptr.Deref(d.Spec.Template.Spec.TerminationGracePeriodSeconds, -1); got != tc.wantGrace {
				t.Errorf("terminationGracePeriodSeconds = %d, want %d", got, tc.wantGrace)
			}
		})
	}
}

func TestInitialReplicas(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		want        int32
	}{
		{name: "no annotations", want: 1},
		{name: "initial-scale", annotations: map[string]string{autoscaling.InitialScaleAnnotationKey: "4"}, want: 4},
		{name: "initial-scale zero", annotations: map[string]string{autoscaling.InitialScaleAnnotationKey: "0"}, want: 0},
		{name: "min-scale raises the default", annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "3"}, want: 3},
		{name: "min-scale raises initial-scale", annotations: map[string]string{
			autoscaling.InitialScaleAnnotationKey: "2", autoscaling.MinScaleAnnotationKey: "5",
		}, want: 5},
		{name: "initial-scale above min-scale wins", annotations: map[string]string{
			autoscaling.InitialScaleAnnotationKey: "6", autoscaling.MinScaleAnnotationKey: "2",
		}, want: 6},
		{name: "min-scale zero keeps initial-scale zero", annotations: map[string]string{
			autoscaling.InitialScaleAnnotationKey: "0", autoscaling.MinScaleAnnotationKey: "0",
		}, want: 0},
		{name: "malformed values fall back to defaults", annotations: map[string]string{
			autoscaling.InitialScaleAnnotationKey: "many", autoscaling.MinScaleAnnotationKey: "x",
		}, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := InitialReplicas(tc.annotations); got != tc.want {
				t.Errorf("InitialReplicas(%v) = %d, want %d", tc.annotations, got, tc.want)
			}
		})
	}
}

func TestMakePodAutoscaler(t *testing.T) {
	tests := []struct {
		name string
		edit func(*servingv1.Revision)
		cc   int64
	}{
		{name: "container concurrency copied", cc: 10},
		{name: "nil container concurrency is 0", edit: func(r *servingv1.Revision) { r.Spec.ContainerConcurrency = nil }, cc: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MakePodAutoscaler(revision(tc.edit))
			want := &autoscalingv1alpha1.PodAutoscaler{
				ObjectMeta: wantMeta("hello-00001"),
				Spec: autoscalingv1alpha1.PodAutoscalerSpec{
					ContainerConcurrency: tc.cc,
					ScaleTargetRef:       wantTargetRef,
					ProtocolType:         "http1",
				},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("PodAutoscaler (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMakeServerlessService(t *testing.T) {
	got := MakeServerlessService(revision(nil))
	want := &networkingv1alpha1.ServerlessService{
		ObjectMeta: wantMeta("hello-00001"),
		Spec: networkingv1alpha1.ServerlessServiceSpec{
			Mode:         networkingv1alpha1.SKSModeServe,
			ObjectRef:    wantTargetRef,
			ProtocolType: "http1",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ServerlessService (-want +got):\n%s", diff)
	}
}

func TestDeploymentName(t *testing.T) {
	d := MakeDeployment(revision(nil), 0)
	if got, want := DeploymentName(revision(nil)), "hello-00001-deployment"; got != want || d.Name != want {
		t.Errorf("DeploymentName = %q, deployment named %q, want %q", got, d.Name, want)
	}
	if got := ptr.Deref(d.Spec.Replicas, -1); got != 0 {
		t.Errorf("replicas = %d, want 0", got)
	}
}
