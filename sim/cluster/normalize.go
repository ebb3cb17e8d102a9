package cluster

import (
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// normalizedTemplate is the pod template that templateHash hashes: a copy of
// t with the apiserver's pod-template defaults filled in and UID values
// blanked, so that the hash, and with it every pod name, is the same for the
// same manifests and seed on every backend and in every run:
//
//   - The apiserver defaults a Deployment's template (dnsPolicy,
//     imagePullPolicy, probe timeouts, ...) and the memory control plane's
//     store does not. Defaulting is idempotent, so filling in the defaults
//     here gives a defaulted and an undefaulted template the same hash.
//   - Controllers copy their objects' UIDs into pod labels (Knative's
//     serving.knative.dev/revisionUID). The apiserver draws UIDs at random,
//     and the memory store leaves them empty, so a hash over them would
//     change the pod names from run to run.
//
// The defaults are those of k8s.io/kubernetes/pkg/apis/core/v1 for the
// fields a PodTemplateSpec carries.
func normalizedTemplate(t *corev1.PodTemplateSpec) *corev1.PodTemplateSpec {
	t = t.DeepCopy()
	t.Labels = blankUIDs(t.Labels)
	t.Annotations = blankUIDs(t.Annotations)
	s := &t.Spec
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = s.DeprecatedServiceAccount //nolint:staticcheck // mirrors the apiserver
	}
	s.DeprecatedServiceAccount = s.ServiceAccountName //nolint:staticcheck // mirrors the apiserver
	if s.DNSPolicy == "" {
		s.DNSPolicy = corev1.DNSClusterFirst
	}
	if s.RestartPolicy == "" {
		s.RestartPolicy = corev1.RestartPolicyAlways
	}
	if s.SecurityContext == nil {
		s.SecurityContext = &corev1.PodSecurityContext{}
	}
	if s.TerminationGracePeriodSeconds == nil {
		grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
		s.TerminationGracePeriodSeconds = &grace
	}
	if s.SchedulerName == "" {
		s.SchedulerName = corev1.DefaultSchedulerName
	}
	for i := range s.Volumes {
		defaultVolume(&s.Volumes[i])
	}
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			defaultContainer(&cs[i])
		}
	}
	return t
}

// blankUIDs returns a copy of m with every value that is a UID replaced by "".
func blankUIDs(m map[string]string) map[string]string {
	out := maps.Clone(m)
	for k, v := range out {
		if isUUID(v) {
			out[k] = ""
		}
	}
	return out
}

// isUUID reports whether s is written as an RFC 4122 UUID, as the apiserver
// writes UIDs.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

func defaultVolume(v *corev1.Volume) {
	vs := &v.VolumeSource
	mode := func(p **int32, def int32) {
		if *p == nil {
			*p = &def
		}
	}
	switch {
	case vs.Secret != nil:
		mode(&vs.Secret.DefaultMode, corev1.SecretVolumeSourceDefaultMode)
	case vs.ConfigMap != nil:
		mode(&vs.ConfigMap.DefaultMode, corev1.ConfigMapVolumeSourceDefaultMode)
	case vs.DownwardAPI != nil:
		mode(&vs.DownwardAPI.DefaultMode, corev1.DownwardAPIVolumeSourceDefaultMode)
	case vs.Projected != nil:
		mode(&vs.Projected.DefaultMode, corev1.ProjectedVolumeSourceDefaultMode)
	case *vs == corev1.VolumeSource{}:
		vs.EmptyDir = &corev1.EmptyDirVolumeSource{}
	}
}

func defaultContainer(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = corev1.PullIfNotPresent
		if imageTag(c.Image) == "latest" {
			c.ImagePullPolicy = corev1.PullAlways
		}
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
	for i := range c.Env {
		if vf := c.Env[i].ValueFrom; vf != nil && vf.FieldRef != nil && vf.FieldRef.APIVersion == "" {
			vf.FieldRef.APIVersion = "v1"
		}
	}
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p == nil {
			continue
		}
		if p.TimeoutSeconds == 0 {
			p.TimeoutSeconds = 1
		}
		if p.PeriodSeconds == 0 {
			p.PeriodSeconds = 10
		}
		if p.SuccessThreshold == 0 {
			p.SuccessThreshold = 1
		}
		if p.FailureThreshold == 0 {
			p.FailureThreshold = 3
		}
		defaultHTTPGet(p.HTTPGet)
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []*corev1.LifecycleHandler{l.PostStart, l.PreStop} {
			if h != nil {
				defaultHTTPGet(h.HTTPGet)
			}
		}
	}
}

func defaultHTTPGet(h *corev1.HTTPGetAction) {
	if h == nil {
		return
	}
	if h.Path == "" {
		h.Path = "/"
	}
	if h.Scheme == "" {
		h.Scheme = corev1.URISchemeHTTP
	}
}

// imageTag is an image reference's tag: "latest" when it has neither tag
// nor digest, "" when it has only a digest (as the apiserver parses it).
func imageTag(image string) string {
	name, _, hasDigest := strings.Cut(image, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		return name[i+1:]
	}
	if hasDigest {
		return ""
	}
	return "latest"
}
