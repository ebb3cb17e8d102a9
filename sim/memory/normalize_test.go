package memory

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/apis/duck"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// TestNormalizeAgainst checks that normalizing a write beside the stored
// object gives exactly what normalizing the whole write gives.
func TestNormalizeAgainst(t *testing.T) {
	subSecond := metav1.NewTime(storeNow.Add(1500 * time.Millisecond))
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "p", Labels: map[string]string{"app": "web"},
			CreationTimestamp: metav1.NewTime(storeNow), ResourceVersion: "3", Finalizers: []string{"f"}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "app", Image: "app:1",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m")}},
			Env:       []corev1.EnvVar{{Name: "A", Value: "1"}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.NewTime(storeNow)}}},
	}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "d", Annotations: map[string]string{"a": "b"}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{Spec: pod.Spec}},
		Status: appsv1.DeploymentStatus{ReadyReplicas: 1},
	}
	pa := &autoscalingv1alpha1.PodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "pa"},
		Status: autoscalingv1alpha1.PodAutoscalerStatus{
			Status:             duck.Status{Conditions: []duck.Condition{{Type: "Ready", Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(storeNow)}}},
			DesiredScale:       ptr.To[int32](1),
			ActualScale:        ptr.To[int32](1),
			MetricsServiceName: "m",
		},
	}
	rev := &servingv1.Revision{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "r"}}
	for _, tc := range []struct {
		name   string
		stored client.Object
		change func(client.Object)
	}{
		{"nothing changed", pod, func(client.Object) {}},
		{"a sub-second condition time", pod, func(o client.Object) {
			o.(*corev1.Pod).Status.Conditions[0].LastTransitionTime = subSecond
			o.(*corev1.Pod).Status.Conditions[0].Status = corev1.ConditionTrue
		}},
		{"a condition added", pod, func(o client.Object) {
			p := o.(*corev1.Pod)
			p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastProbeTime: subSecond})
		}},
		{"conditions emptied (omitempty)", pod, func(o client.Object) { o.(*corev1.Pod).Status.Conditions = []corev1.PodCondition{} }},
		{"labels emptied (omitempty)", pod, func(o client.Object) { o.SetLabels(map[string]string{}) }},
		{"invalid UTF-8 in a string and a label", pod, func(o client.Object) {
			o.(*corev1.Pod).Spec.NodeName = "n\xff1"
			o.SetLabels(map[string]string{"app": "w\xffb"})
		}},
		{"a quantity in another form", pod, func(o client.Object) {
			o.(*corev1.Pod).Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("0.5")
		}},
		{"an empty env list (no omitempty on the element)", pod, func(o client.Object) { o.(*corev1.Pod).Spec.Containers[0].Env = []corev1.EnvVar{} }},
		{"a deletion timestamp with nanoseconds", pod, func(o client.Object) { o.SetDeletionTimestamp(&subSecond) }},
		{"a start time set", pod, func(o client.Object) { o.(*corev1.Pod).Status.StartTime = &subSecond }},
		{"replicas changed", dep, func(o client.Object) { o.(*appsv1.Deployment).Spec.Replicas = ptr.To[int32](5) }},
		{"replicas cleared", dep, func(o client.Object) { o.(*appsv1.Deployment).Spec.Replicas = nil }},
		{"a selector added to the template's labels", dep, func(o client.Object) {
			o.(*appsv1.Deployment).Spec.Template.Labels = map[string]string{"app": "web"}
		}},
		{"a container appended to the template", dep, func(o client.Object) {
			d := o.(*appsv1.Deployment)
			d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, corev1.Container{Name: "q", Image: "q", Ports: []corev1.ContainerPort{}})
		}},
		{"a PodAutoscaler's scales and condition", pa, func(o client.Object) {
			s := &o.(*autoscalingv1alpha1.PodAutoscaler).Status
			s.DesiredScale = ptr.To[int32](3)
			s.ActualScale = nil
			s.Conditions[0].LastTransitionTime = metav1.NewTime(storeNow.Add(time.Second))
			s.Conditions[0].Message = "m"
		}},
		{"a Revision's status from empty", rev, func(o client.Object) {
			r := o.(*servingv1.Revision)
			r.Status.Conditions = []duck.Condition{{Type: "Ready", Status: corev1.ConditionUnknown, LastTransitionTime: subSecond}}
			r.Status.ActualReplicas = ptr.To[int32](0)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestStore(t)
			_, ks, err := s.kindOf(tc.stored)
			if err != nil {
				t.Fatal(err)
			}
			old, err := ks.normalize(tc.stored)
			if err != nil {
				t.Fatal(err)
			}
			n := old.DeepCopyObject().(client.Object)
			tc.change(n)
			want, err := ks.normalize(n)
			if err != nil {
				t.Fatal(err)
			}
			if err := ks.normalizeAgainst(n, old); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, n) {
				t.Errorf("normalizeAgainst differs from normalize (-normalize +normalizeAgainst):\n%s",
					cmp.Diff(want, n, cmp.Exporter(func(reflect.Type) bool { return true })))
			}
		})
	}
}
