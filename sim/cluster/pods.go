package cluster

import (
	"encoding/json"
	"hash/fnv"
	"maps"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// Annotations the emulation keeps on its pods: the pod's timeline. Times are
// RFC 3339 with nanoseconds from the injected clock (possibly virtual), which
// the apiserver's timestamps are not. The kubelet stages (pulled, started,
// ready) are planned when the pod is bound: on the virtual clock the pod
// reaches each exactly then, on the wall clock as soon after as its
// reconcile runs; a pod deleted earlier never reaches the later ones.
const (
	// OrdinalAnnotation is the pod's number within its Deployment.
	OrdinalAnnotation = "sim.knsim.dev/ordinal"
	// CreatedAtAnnotation is when the pod was created.
	CreatedAtAnnotation = "sim.knsim.dev/created-at"
	// ScheduledAtAnnotation is when the pod was bound to a node (image pull starts).
	ScheduledAtAnnotation = "sim.knsim.dev/scheduled-at"
	// PulledAtAnnotation is when the pod's images are present (containers start).
	PulledAtAnnotation = "sim.knsim.dev/pulled-at"
	// StartedAtAnnotation is when the containers run (readiness starts).
	StartedAtAnnotation = "sim.knsim.dev/started-at"
	// ReadyAtAnnotation is when the pod becomes Ready.
	ReadyAtAnnotation = "sim.knsim.dev/ready-at"
	// TerminatingAtAnnotation is when the pod started draining before deletion.
	TerminatingAtAnnotation = "sim.knsim.dev/terminating-at"

	podTemplateHashLabel = "pod-template-hash"
)

// alphabet avoids vowels and look-alike digits, as Kubernetes' generated names do.
const alphabet = "bcdfghjklmnpqrstvwxz2456789"

func encode(v uint64, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[v%uint64(len(alphabet))]
		v /= uint64(len(alphabet))
	}
	return string(b)
}

func hash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// templateHash identifies the pod template, as pod-template-hash does. It
// hashes the normalized template (see normalizedTemplate) so that pod names
// do not depend on the backend's defaulting or on random UIDs.
func templateHash(d *appsv1.Deployment) string {
	b, _ := json.Marshal(normalizedTemplate(&d.Spec.Template)) // a PodTemplateSpec always marshals
	return encode(hash(string(b)), 10)
}

// PodName is the deterministic name of a Deployment's pod with the given
// ordinal: <deployment>-<template hash>-<5 chars>.
func PodName(d *appsv1.Deployment, tmplHash string, ordinal int) string {
	return d.Name + "-" + tmplHash + "-" + encode(hash(d.Namespace, d.Name, strconv.Itoa(ordinal)), 5)
}

// makePod builds an unscheduled pod of d.
func makePod(d *appsv1.Deployment, tmplHash string, ordinal int, now time.Time) *corev1.Pod {
	labels := map[string]string{podTemplateHashLabel: tmplHash}
	maps.Copy(labels, d.Spec.Template.Labels)
	annotations := map[string]string{
		CreatedAtAnnotation: formatTime(now),
		OrdinalAnnotation:   strconv.Itoa(ordinal),
	}
	maps.Copy(annotations, d.Spec.Template.Annotations)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:        PodName(d, tmplHash, ordinal),
			Namespace:   d.Namespace,
			Labels:      labels,
			Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "apps/v1", Kind: "Deployment", Name: d.Name, UID: d.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
			}},
		},
		Spec: *d.Spec.Template.Spec.DeepCopy(),
	}
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// annotationTime reads a time annotation (zero when absent or malformed).
func annotationTime(p *corev1.Pod, key string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, p.Annotations[key])
	if err != nil {
		return time.Time{}
	}
	return t
}

func setAnnotation(p *corev1.Pod, key, value string) {
	if p.Annotations == nil {
		p.Annotations = map[string]string{}
	}
	p.Annotations[key] = value
}

func ordinal(p *corev1.Pod) int {
	n, err := strconv.Atoi(p.Annotations[OrdinalAnnotation])
	if err != nil {
		return -1
	}
	return n
}

// IsReady reports whether the pod's Ready condition is True.
func IsReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// isTerminating reports whether the pod is draining or being deleted.
func isTerminating(p *corev1.Pod) bool {
	return p.DeletionTimestamp != nil || p.Annotations[TerminatingAtAnnotation] != ""
}
