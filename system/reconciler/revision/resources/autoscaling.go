package resources

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/autoscaling"
	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// InitialReplicas is a Revision's replica count at creation: the
// initial-scale annotation (default 1), raised to min-scale.
func InitialReplicas(annotations map[string]string) int32 {
	n := annotationInt(annotations, autoscaling.InitialScaleAnnotationKey, 1)
	if min := annotationInt(annotations, autoscaling.MinScaleAnnotationKey, 0); n < min {
		n = min
	}
	return n
}

func annotationInt(a map[string]string, key string, def int32) int32 {
	v, ok, err := autoscaling.ParseInt32(a, key)
	if !ok || err != nil {
		return def
	}
	return v
}

func deploymentRef(rev *servingv1.Revision) corev1.ObjectReference {
	return corev1.ObjectReference{
		APIVersion: appsv1.SchemeGroupVersion.String(),
		Kind:       "Deployment",
		Name:       DeploymentName(rev),
	}
}

// MakePodAutoscaler builds the PodAutoscaler `<rev>`.
func MakePodAutoscaler(rev *servingv1.Revision) *autoscalingv1alpha1.PodAutoscaler {
	return &autoscalingv1alpha1.PodAutoscaler{
		ObjectMeta: childMeta(rev, rev.Name),
		Spec: autoscalingv1alpha1.PodAutoscalerSpec{
			ContainerConcurrency: ptr.Deref(rev.Spec.ContainerConcurrency, 0),
			ScaleTargetRef:       deploymentRef(rev),
			ProtocolType:         "http1",
		},
	}
}

// MakeServerlessService builds the ServerlessService `<rev>`, which starts in
// Serve mode; the autoscaler flips it to Proxy when the activator must buffer.
func MakeServerlessService(rev *servingv1.Revision) *networkingv1alpha1.ServerlessService {
	return &networkingv1alpha1.ServerlessService{
		ObjectMeta: childMeta(rev, rev.Name),
		Spec: networkingv1alpha1.ServerlessServiceSpec{
			Mode:         networkingv1alpha1.SKSModeServe,
			ObjectRef:    deploymentRef(rev),
			ProtocolType: "http1",
		},
	}
}
