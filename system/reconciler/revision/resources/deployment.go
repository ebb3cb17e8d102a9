package resources

import (
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// Ports of the queue-proxy sidecar, as Knative numbers them.
const (
	QueueServingPort int32 = 8012
	QueueAdminPort   int32 = 8022
	QueueMetricsPort int32 = 9090
)

// QueueProxyImage is the image name recorded for knsim's queue-proxy sidecar.
const QueueProxyImage = "knsim.dev/queue-proxy:latest"

// ProgressDeadlineSeconds bounds how long a Revision may take to start.
const ProgressDeadlineSeconds int32 = 600

// MakeDeployment builds `<rev>-deployment` with replicas, the user
// container(s) and the queue-proxy sidecar.
func MakeDeployment(rev *servingv1.Revision, replicas int32) *appsv1.Deployment {
	podLabels := Labels(rev)
	podLabels["app"] = rev.Name
	spec := rev.Spec.PodSpec.DeepCopy()
	userPort := DefaultUserPort(rev)
	for i := range spec.Containers {
		c := &spec.Containers[i]
		if len(c.Ports) > 0 || len(spec.Containers) == 1 {
			c.Ports = []corev1.ContainerPort{{Name: "user-port", ContainerPort: userPort, Protocol: corev1.ProtocolTCP}}
		}
		c.Env = append(c.Env,
			corev1.EnvVar{Name: "PORT", Value: strconv.Itoa(int(userPort))},
			corev1.EnvVar{Name: "K_REVISION", Value: rev.Name},
			corev1.EnvVar{Name: "K_CONFIGURATION", Value: rev.Labels[servingv1.ConfigurationLabelKey]},
			corev1.EnvVar{Name: "K_SERVICE", Value: rev.Labels[servingv1.ServiceLabelKey]},
		)
	}
	spec.Containers = append(spec.Containers, queueContainer(rev, userPort))
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptr.To(ptr.Deref(rev.Spec.TimeoutSeconds, servingv1.DefaultTimeoutSeconds))
	}
	selector := map[string]string{servingv1.RevisionUIDLabelKey: string(rev.UID)}
	return &appsv1.Deployment{
		ObjectMeta: childMeta(rev, DeploymentName(rev)),
		Spec: appsv1.DeploymentSpec{
			Replicas:                ptr.To(replicas),
			Selector:                &metav1.LabelSelector{MatchLabels: selector},
			ProgressDeadlineSeconds: ptr.To(ProgressDeadlineSeconds),
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr.To(intstr.FromInt32(0)),
					MaxSurge:       ptr.To(intstr.FromString("25%")),
				},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: kmeta.FilterMap(rev.Annotations, kmeta.IsUserAnnotation)},
				Spec:       *spec,
			},
		},
	}
}

// DefaultUserPort is the port the user container listens on: the first
// declared containerPort, else 8080.
func DefaultUserPort(rev *servingv1.Revision) int32 {
	for _, c := range rev.Spec.Containers {
		for _, p := range c.Ports {
			if p.ContainerPort != 0 {
				return p.ContainerPort
			}
		}
	}
	return servingv1.DefaultUserPort
}

func queueContainer(rev *servingv1.Revision, userPort int32) corev1.Container {
	env := func(k, v string) corev1.EnvVar { return corev1.EnvVar{Name: k, Value: v} }
	return corev1.Container{
		Name:  servingv1.QueueContainerName,
		Image: QueueProxyImage,
		Ports: []corev1.ContainerPort{
			{Name: "http1", ContainerPort: QueueServingPort, Protocol: corev1.ProtocolTCP},
			{Name: "http-queueadm", ContainerPort: QueueAdminPort, Protocol: corev1.ProtocolTCP},
			{Name: "http-usermetric", ContainerPort: QueueMetricsPort, Protocol: corev1.ProtocolTCP},
		},
		Env: []corev1.EnvVar{
			env("SERVING_NAMESPACE", rev.Namespace),
			env("SERVING_SERVICE", rev.Labels[servingv1.ServiceLabelKey]),
			env("SERVING_CONFIGURATION", rev.Labels[servingv1.ConfigurationLabelKey]),
			env("SERVING_REVISION", rev.Name),
			env("CONTAINER_CONCURRENCY", strconv.FormatInt(ptr.Deref(rev.Spec.ContainerConcurrency, 0), 10)),
			env("REVISION_TIMEOUT_SECONDS", strconv.FormatInt(ptr.Deref(rev.Spec.TimeoutSeconds, servingv1.DefaultTimeoutSeconds), 10)),
			env("USER_PORT", strconv.Itoa(int(userPort))),
			env("QUEUE_SERVING_PORT", strconv.Itoa(int(QueueServingPort))),
		},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("25m")},
		},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Port:        intstr.FromInt32(QueueServingPort),
				HTTPHeaders: []corev1.HTTPHeader{{Name: "K-Network-Probe", Value: "queue"}},
			}},
			PeriodSeconds: 1,
		},
	}
}
