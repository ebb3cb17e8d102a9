package resources

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/kmeta"
	sbresources "github.com/knsim/knsim/system/reconciler/sinkbinding/resources"
)

// SourceLabelKey labels a ContainerSource's Deployment and pods.
const SourceLabelKey = "sources.knative.dev/containerSource"

var containerSourceGVK = sourcesv1.SchemeGroupVersion.WithKind("ContainerSource")

// DeploymentName is {source}-deployment.
func DeploymentName(source string) string { return source + "-deployment" }

// SinkBindingName is {source}-sinkbinding.
func SinkBindingName(source string) string { return source + "-sinkbinding" }

// MakeDeployment returns the producer's Deployment: one replica of the
// template, labelled for its selector, with env (K_SINK and
// K_CE_OVERRIDES, or nothing before the sink resolves) on every container.
func MakeDeployment(s *sourcesv1.ContainerSource, env []corev1.EnvVar) *appsv1.Deployment {
	tmpl := *s.Spec.Template.DeepCopy()
	tmpl.Labels = kmeta.CopyMap(tmpl.Labels)
	tmpl.Labels[SourceLabelKey] = s.Name
	for _, list := range [][]corev1.Container{tmpl.Spec.Containers, tmpl.Spec.InitContainers} {
		for i := range list {
			list[i].Env = withEnv(list[i].Env, env)
		}
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       s.Namespace,
			Name:            DeploymentName(s.Name),
			Labels:          map[string]string{SourceLabelKey: s.Name},
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(s, containerSourceGVK)},
		},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{SourceLabelKey: s.Name}},
			Template: tmpl,
		},
	}
}

// withEnv returns vars without the injectable variables, then env: the
// order the SinkBinding leaves them in.
func withEnv(vars, env []corev1.EnvVar) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, v := range vars {
		if v.Name != sbresources.SinkEnv && v.Name != sbresources.CEOverridesEnv {
			out = append(out, v)
		}
	}
	return append(out, env...)
}

// MakeSinkBinding returns the SinkBinding that binds s's Deployment to its
// sink, defaulted as the webhook would store it.
func MakeSinkBinding(s *sourcesv1.ContainerSource) *sourcesv1.SinkBinding {
	sb := &sourcesv1.SinkBinding{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       s.Namespace,
			Name:            SinkBindingName(s.Name),
			Labels:          map[string]string{SourceLabelKey: s.Name},
			OwnerReferences: []metav1.OwnerReference{kmeta.ControllerRef(s, containerSourceGVK)},
		},
		Spec: sourcesv1.SinkBindingSpec{
			SourceSpec: *s.Spec.SourceSpec.DeepCopy(),
			Subject: sourcesv1.Reference{
				APIVersion: appsv1.SchemeGroupVersion.String(),
				Kind:       "Deployment",
				Namespace:  s.Namespace,
				Name:       DeploymentName(s.Name),
			},
		},
	}
	sb.SetDefaults()
	return sb
}
