package resources

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/kmeta"
)

// DeploymentName is the name of a Revision's Deployment.
func DeploymentName(rev *servingv1.Revision) string { return rev.Name + "-deployment" }

// Labels are the labels every child of a Revision carries.
func Labels(rev *servingv1.Revision) map[string]string {
	l := kmeta.CopyMap(rev.Labels)
	l[servingv1.RevisionLabelKey] = rev.Name
	l[servingv1.RevisionUIDLabelKey] = string(rev.UID)
	return l
}

func childMeta(rev *servingv1.Revision, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:            name,
		Namespace:       rev.Namespace,
		Labels:          Labels(rev),
		Annotations:     kmeta.FilterMap(rev.Annotations, kmeta.IsUserAnnotation),
		OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(rev, servingv1.SchemeGroupVersion.WithKind("Revision"))},
	}
}
