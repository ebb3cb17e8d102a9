package cluster

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// victims returns the n pods a scale-down removes first, as the ReplicaSet
// controller ranks them: unscheduled pods, then pods at an earlier kubelet
// stage (so not-ready pods before ready ones), then the lower
// controller.kubernetes.io/pod-deletion-cost (0 when unset or invalid),
// then the newest (highest ordinal).
func victims(pods []*corev1.Pod, n int) []*corev1.Pod {
	rank := func(p *corev1.Pod) int {
		if p.Spec.NodeName == "" {
			return 0
		}
		return 2 + stageIndex(statusStage(p)) // StageCreated (-1) ranks 1
	}
	ranked := slices.Clone(pods)
	slices.SortStableFunc(ranked, func(a, b *corev1.Pod) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		if c := cmp.Compare(deletionCost(a), deletionCost(b)); c != 0 {
			return c
		}
		return ordinal(b) - ordinal(a)
	})
	return ranked[:min(max(n, 0), len(ranked))]
}

// PodDeletionCostAnnotation is the annotation the ReplicaSet controller
// reads to pick scale-down victims: a lower cost goes first.
const PodDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// deletionCost is p's pod-deletion-cost: an int32, 0 when unset or not
// one (the apiserver refuses such values on real pods).
func deletionCost(p *corev1.Pod) int32 {
	v, err := strconv.ParseInt(p.Annotations[PodDeletionCostAnnotation], 10, 32)
	if err != nil {
		return 0
	}
	return int32(v)
}

// drainFor is how long p drains: Config.Drain, bounded by the pod's grace period.
func (c *Cluster) drainFor(p *corev1.Pod) time.Duration {
	grace := ptr.Deref(p.Spec.TerminationGracePeriodSeconds, corev1.DefaultTerminationGracePeriodSeconds)
	if p.DeletionGracePeriodSeconds != nil {
		grace = *p.DeletionGracePeriodSeconds
	}
	return min(c.drain, time.Duration(grace)*time.Second)
}

// terminate starts removing p: an unscheduled pod is deleted at once, a
// scheduled one turns NotReady and drains (see drain).
func (p *pass) terminate(ctx context.Context, pod *corev1.Pod) error {
	if pod.Spec.NodeName == "" {
		return p.delete(ctx, pod, DeletedScaleDown)
	}
	return p.markTerminating(ctx, pod)
}

// markTerminating records the start of pod's drain and drops its readiness.
func (p *pass) markTerminating(ctx context.Context, pod *corev1.Pod) error {
	stage := statusStage(pod)
	status := pod.Status
	setAnnotation(pod, TerminatingAtAnnotation, formatTime(p.now))
	if err := p.r.Update(ctx, pod); err != nil {
		return ignoreGone(err, "marking pod %s terminating", pod.Name)
	}
	if stage != StageCreated {
		ip, _ := p.c.nodeOf(pod.Spec.NodeName)
		pod.Status = kubeletStatus(pod, stage, readTimeline(pod), ip, status.PodIP)
		if err := p.r.Status().Update(ctx, pod); err != nil {
			return ignoreGone(err, "marking pod %s not ready", pod.Name)
		}
	}
	p.emit(podEvent(p.now, keyOf(pod), p.owner, pod.Spec.NodeName, StageTerminating, ""))
	p.wakeAt(p.now.Add(p.c.drainFor(pod)))
	return nil
}

// ignoreGone drops a NotFound error (the pod is already gone) and wraps others.
func ignoreGone(err error, format string, args ...any) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// drain finishes the terminating pods among pods whose drain is over and
// returns the pods still there. A pod deleted gracefully by someone else
// starts its drain here.
func (p *pass) drain(ctx context.Context, pods []*corev1.Pod) ([]*corev1.Pod, error) {
	kept := pods[:0]
	for _, pod := range pods {
		if !isTerminating(pod) {
			kept = append(kept, pod)
			continue
		}
		if pod.Annotations[TerminatingAtAnnotation] == "" {
			if pod.Spec.NodeName == "" {
				if err := p.delete(ctx, pod, DeletedDrained); err != nil {
					return nil, err
				}
				continue
			}
			if err := p.markTerminating(ctx, pod); err != nil {
				return nil, err
			}
		}
		if end := annotationTime(pod, TerminatingAtAnnotation).Add(p.c.drainFor(pod)); end.After(p.now) {
			p.wakeAt(end)
			kept = append(kept, pod)
			continue
		}
		if err := p.delete(ctx, pod, DeletedDrained); err != nil {
			return nil, err
		}
	}
	return kept, nil
}

// delete removes pod at once (there is no real kubelet to confirm a
// graceful deletion) and frees its capacity. Only the call that deleted the
// pod reports it: a pass that listed the pod before an earlier pass's
// deletion reached the apiserver's cache finds it gone.
func (p *pass) delete(ctx context.Context, pod *corev1.Pod, reason string) error {
	err := p.r.Delete(ctx, pod, client.GracePeriodSeconds(0))
	if client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting pod %s: %w", pod.Name, err)
	}
	p.c.release(keyOf(pod))
	if err == nil {
		p.emit(podEvent(p.now, keyOf(pod), p.owner, pod.Spec.NodeName, StageDeleted, reason))
	}
	return nil
}

// dropLost deletes the pods whose node died or went away, so that their
// Deployment replaces them elsewhere, and returns the others.
func (p *pass) dropLost(ctx context.Context, pods []*corev1.Pod) ([]*corev1.Pod, error) {
	kept := pods[:0]
	for _, pod := range pods {
		if pod.Spec.NodeName != "" {
			if _, usable := p.c.nodeOf(pod.Spec.NodeName); !usable {
				if err := p.delete(ctx, pod, DeletedNodeLost); err != nil {
					return nil, err
				}
				continue
			}
		}
		kept = append(kept, pod)
	}
	return kept, nil
}
