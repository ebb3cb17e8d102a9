package resources

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	appsv1 "k8s.io/api/apps/v1"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/reserve"
)

// Labels of reserve instances.
const (
	// InstanceLabelKey says whether a pod is a standard or a reserve instance.
	InstanceLabelKey = "knsim.dev/instance"
	// InstanceReserve marks reserve instances.
	InstanceReserve = "reserve"
	// InstanceTypeAnnotation records the reserve instance type (eci, ecs, acs).
	InstanceTypeAnnotation = "knative.aliyun.com/reserve-instance-type"
)

// ReserveCPU and ReserveMemory are a reserve instance's (low) requests.
var (
	ReserveCPU    = resource.MustParse("250m")
	ReserveMemory = resource.MustParse("256Mi")
)

// ReserveDeploymentName is the name of a Revision's reserve Deployment.
func ReserveDeploymentName(rev *servingv1.Revision) string { return rev.Name + "-reserve" }

// MakeReserveDeployment builds the Deployment of a Revision's reserve
// instances: the standard pod template with low resource requests, starting
// at zero replicas; the PodAutoscaler scales it while the revision is idle.
// Its pods carry the revision label, so they serve the revision's traffic.
func MakeReserveDeployment(rev *servingv1.Revision, spec reserve.Spec) *appsv1.Deployment {
	d := MakeDeployment(rev, 0)
	d.Name = ReserveDeploymentName(rev)
	d.Spec.Selector.MatchLabels[InstanceLabelKey] = InstanceReserve
	d.Spec.Template.Labels[InstanceLabelKey] = InstanceReserve
	if d.Spec.Template.Annotations == nil {
		d.Spec.Template.Annotations = map[string]string{}
	}
	d.Spec.Template.Annotations[InstanceTypeAnnotation] = string(spec.Type)
	for i := range d.Spec.Template.Spec.Containers {
		c := &d.Spec.Template.Spec.Containers[i]
		if c.Name == servingv1.QueueContainerName {
			continue
		}
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: ReserveCPU, corev1.ResourceMemory: ReserveMemory}
		c.Resources.Limits = nil
	}
	d.Spec.Replicas = ptr.To[int32](0)
	return d
}
