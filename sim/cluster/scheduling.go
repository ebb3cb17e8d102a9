package cluster

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Scheduling, as one Deployment's reconcile does it: pods that did not fit
// when created are retried at every reconcile, and the Deployments waiting
// for capacity are requeued when pods are deleted or nodes change (see
// controller.go). With rounds on, the retries are a round's (retry.go).

// schedulePending retries the scheduling of active pods without a node, in
// ordinal order, binding those that now fit. With rounds on, a round
// decides instead (see retry.go) and only its decisions are applied.
func (p *pass) schedulePending(ctx context.Context, active []*corev1.Pod) error {
	if p.c.rounds != nil {
		return p.applyRetries(ctx, active)
	}
	for _, pod := range active {
		if pod.Spec.NodeName != "" {
			continue
		}
		key := keyOf(pod)
		b, err := p.c.reserve(key, p.owner, &pod.Spec, p.now)
		if unsched := (*unschedulableError)(nil); errors.As(err, &unsched) {
			if err := p.markUnschedulable(ctx, pod, unsched.message); err != nil {
				return err
			}
			continue
		} else if err != nil {
			return err
		}
		if err := p.bind(ctx, pod, b); err != nil {
			p.c.release(key)
			return ignoreGone(err, "binding pod %s to %s", pod.Name, b.node)
		}
		if err := p.runKubelet(ctx, pod, b.podIP); err != nil {
			return err
		}
	}
	return nil
}

// bind binds pod to b's node through the pods/binding subresource, as the
// scheduler does, with the kubelet's plan in the binding's annotations. A
// store that does not serve pods/binding (the memory control plane's) gets
// a plain update instead.
func (p *pass) bind(ctx context.Context, pod *corev1.Pod, b binding) error {
	planned := &corev1.Pod{}
	b.plan.annotate(planned, p.now)
	err := p.r.SubResource("binding").Create(ctx, pod, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID, Annotations: planned.Annotations},
		Target:     corev1.ObjectReference{Kind: "Node", Name: b.node},
	})
	if status := apierrors.APIStatus(nil); err != nil && !errors.As(err, &status) {
		pod.Spec.NodeName = b.node
		for k, v := range planned.Annotations {
			setAnnotation(pod, k, v)
		}
		return p.r.Update(ctx, pod)
	}
	if err != nil {
		return err
	}
	return p.r.reader.Get(ctx, keyOf(pod), pod)
}

// markUnschedulable records a failed scheduling attempt on pod, unless its
// status already says the same.
func (p *pass) markUnschedulable(ctx context.Context, pod *corev1.Pod, message string) error {
	old, since, ok := schedulingMessage(pod)
	if ok && old == message {
		return nil
	}
	if !ok {
		since = p.now
	}
	pod.Status = unschedulableStatus(message, since)
	if err := p.r.Status().Update(ctx, pod); err != nil {
		return ignoreGone(err, "marking pod %s unschedulable", pod.Name)
	}
	p.emit(podEvent(p.now, keyOf(pod), p.owner, "", StageUnschedulable, message))
	return nil
}
