package cluster

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// Annotations the emulation keeps on its pods. Times come from the injected
// clock (possibly virtual), which the apiserver's creationTimestamp is not.
const (
	ScheduledAtAnnotation = "sim.knsim.dev/scheduled-at"
	OrdinalAnnotation     = "sim.knsim.dev/ordinal"
	podTemplateHashLabel  = "pod-template-hash"
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

// templateHash identifies the pod template, as pod-template-hash does.
func templateHash(d *appsv1.Deployment) string {
	b, _ := json.Marshal(d.Spec.Template) // a PodTemplateSpec always marshals
	return encode(hash(string(b)), 10)
}

// PodName is the deterministic name of a Deployment's pod with the given
// ordinal: <deployment>-<template hash>-<5 chars>.
func PodName(d *appsv1.Deployment, tmplHash string, ordinal int) string {
	return d.Name + "-" + tmplHash + "-" + encode(hash(d.Namespace, d.Name, strconv.Itoa(ordinal)), 5)
}

// makePod builds a pod of d already bound to a node.
func (c *Cluster) makePod(d *appsv1.Deployment, tmplHash string, ordinal, seq int, now time.Time) *corev1.Pod {
	labels := map[string]string{podTemplateHashLabel: tmplHash}
	for k, v := range d.Spec.Template.Labels {
		labels[k] = v
	}
	annotations := map[string]string{
		ScheduledAtAnnotation: now.UTC().Format(time.RFC3339Nano),
		OrdinalAnnotation:     strconv.Itoa(ordinal),
	}
	for k, v := range d.Spec.Template.Annotations {
		annotations[k] = v
	}
	spec := *d.Spec.Template.Spec.DeepCopy()
	spec.NodeName = NodeName(seq % c.cfg.Nodes)
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
		Spec: spec,
	}
}

// podIP gives each pod a distinct address from the cluster-wide sequence.
func podIP(seq int) string { return fmt.Sprintf("10.244.%d.%d", seq/250, seq%250+2) }

func scheduledAt(p *corev1.Pod) time.Time {
	t, err := time.Parse(time.RFC3339Nano, p.Annotations[ScheduledAtAnnotation])
	if err != nil {
		return time.Time{}
	}
	return t
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

// pendingStatus is a freshly scheduled pod's status.
func pendingStatus(p *corev1.Pod, ip string, now time.Time) corev1.PodStatus {
	t := metav1.NewTime(now)
	st := corev1.PodStatus{
		Phase:     corev1.PodPending,
		HostIP:    nodeIPFor(p.Spec.NodeName),
		PodIP:     ip,
		PodIPs:    []corev1.PodIP{{IP: ip}},
		StartTime: &t,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: t},
		},
	}
	for _, ctr := range p.Spec.Containers {
		st.ContainerStatuses = append(st.ContainerStatuses, corev1.ContainerStatus{
			Name: ctr.Name, Image: ctr.Image,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}},
		})
	}
	return st
}

// readyStatus is the status of a pod whose containers all started and passed readiness.
func readyStatus(p *corev1.Pod, now time.Time) corev1.PodStatus {
	t := metav1.NewTime(now)
	st := p.Status.DeepCopy()
	st.Phase = corev1.PodRunning
	st.Conditions = []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: ptr.Deref(st.StartTime, t)},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: t},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: t},
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: t},
	}
	st.ContainerStatuses = nil
	for _, ctr := range p.Spec.Containers {
		st.ContainerStatuses = append(st.ContainerStatuses, corev1.ContainerStatus{
			Name: ctr.Name, Image: ctr.Image, ImageID: "sim://" + ctr.Image, Ready: true, Started: ptr.To(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: t}},
		})
	}
	return *st
}

func nodeIPFor(node string) string {
	var i int
	if _, err := fmt.Sscanf(node, "knsim-worker-%d", &i); err != nil {
		return ""
	}
	return nodeIP(i - 1)
}
