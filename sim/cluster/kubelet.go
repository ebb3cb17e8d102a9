package cluster

import (
	"context"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// The emulated kubelet walks a bound pod through its planned stages. The
// plan lives in the pod's annotations (see ScheduledAtAnnotation); the stage
// already reported lives in its status (statusStage). Each reconcile writes
// the status of the stage the plan has reached, if it is further along, and
// asks to run again when the next one is due: no goroutine or timer per pod.

// kubeletStages are the stages a bound pod goes through, in order.
var kubeletStages = []Stage{StageScheduled, StagePulled, StageStarted, StageReady}

// pullingMessage tells a pod pulling its images from one starting its
// containers; both wait with reason ContainerCreating.
const pullingMessage = "Pulling image(s)"

// timeline is a pod's timeline as its annotations record it.
type timeline struct {
	created, scheduled, pulled, started, ready, terminating time.Time
}

func readTimeline(p *corev1.Pod) timeline {
	return timeline{
		created:     annotationTime(p, CreatedAtAnnotation),
		scheduled:   annotationTime(p, ScheduledAtAnnotation),
		pulled:      annotationTime(p, PulledAtAnnotation),
		started:     annotationTime(p, StartedAtAnnotation),
		ready:       annotationTime(p, ReadyAtAnnotation),
		terminating: annotationTime(p, TerminatingAtAnnotation),
	}
}

// planned reports whether the kubelet stages are all planned.
func (t timeline) planned() bool {
	return !t.scheduled.IsZero() && !t.pulled.IsZero() && !t.started.IsZero() && !t.ready.IsZero()
}

// at is when the plan has the pod reach kubelet stage s.
func (t timeline) at(s Stage) time.Time {
	switch s {
	case StageScheduled:
		return t.scheduled
	case StagePulled:
		return t.pulled
	case StageStarted:
		return t.started
	case StageReady:
		return t.ready
	}
	return time.Time{}
}

// stageAt is the furthest kubelet stage the plan has reached by now
// (StageScheduled at least), and when the next one is due (zero once Ready).
func (t timeline) stageAt(now time.Time) (Stage, time.Time) {
	reached := StageScheduled
	for _, s := range kubeletStages[1:] {
		if at := t.at(s); at.After(now) {
			return reached, at
		}
		reached = s
	}
	return reached, time.Time{}
}

// stageIndex orders stages; StageCreated (nothing reported) comes first.
func stageIndex(s Stage) int { return slices.Index(kubeletStages, s) }

// statusStage is the kubelet stage a pod's status reports: StageCreated
// when the kubelet has not reported since binding.
func statusStage(p *corev1.Pod) Stage {
	scheduled, ready := false, false
	for _, c := range p.Status.Conditions {
		switch c.Type {
		case corev1.PodScheduled:
			scheduled = c.Status == corev1.ConditionTrue
		case corev1.PodReady:
			ready = c.Status == corev1.ConditionTrue
		}
	}
	switch {
	case !scheduled || p.Status.StartTime == nil:
		return StageCreated
	case ready:
		return StageReady
	case p.Status.Phase == corev1.PodRunning:
		return StageStarted
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Waiting != nil && cs.State.Waiting.Message == pullingMessage {
			return StageScheduled
		}
	}
	return StagePulled
}

// unschedulableStatus is a pending pod's status after a failed scheduling
// attempt; since is when it first failed.
func unschedulableStatus(message string, since time.Time) corev1.PodStatus {
	return corev1.PodStatus{
		Phase: corev1.PodPending,
		Conditions: []corev1.PodCondition{{
			Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
			Message: message, LastTransitionTime: metav1.NewTime(since),
		}},
	}
}

// schedulingMessage returns the message of a pod's PodScheduled=False
// condition and when it turned False.
func schedulingMessage(p *corev1.Pod) (string, time.Time, bool) {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return c.Message, c.LastTransitionTime.Time, true
		}
	}
	return "", time.Time{}, false
}

// kubeletStatus is the status a kubelet reports for a bound pod at stage:
// Pending with containers waiting in ContainerCreating while images pull
// and containers start, Running but not Ready until readiness passes, then
// Ready. A terminating pod (per t) keeps its stage but is not Ready.
func kubeletStatus(p *corev1.Pod, stage Stage, t timeline, hostIP, podIP string) corev1.PodStatus {
	scheduled := metav1.NewTime(t.scheduled)
	st := corev1.PodStatus{Phase: corev1.PodPending, HostIP: hostIP, StartTime: &scheduled, QOSClass: p.Status.QOSClass}
	if hostIP != "" {
		st.HostIPs = []corev1.HostIP{{IP: hostIP}}
	}
	if podIP != "" {
		st.PodIP, st.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}
	}
	running := stage == StageStarted || stage == StageReady
	terminating := !t.terminating.IsZero()
	if running {
		st.Phase = corev1.PodRunning
	}
	names := make([]string, 0, len(p.Spec.Containers))
	images := map[string]string{}
	for _, c := range p.Spec.Containers {
		names = append(names, c.Name)
		images[c.Name] = c.Image
	}
	slices.Sort(names) // the kubelet reports containers by name

	cond := func(typ corev1.PodConditionType, ok bool, since time.Time) corev1.PodCondition {
		c := corev1.PodCondition{Type: typ, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(since)}
		if !ok {
			c.Status, c.Reason = corev1.ConditionFalse, "ContainersNotReady"
			c.Message = "containers with unready status: [" + strings.Join(names, " ") + "]"
		}
		return c
	}
	containersReady := cond(corev1.ContainersReady, stage == StageReady, t.ready)
	ready := cond(corev1.PodReady, stage == StageReady, t.ready)
	if stage != StageReady {
		containersReady.LastTransitionTime, ready.LastTransitionTime = scheduled, scheduled
	}
	if terminating {
		st.Reason, st.Message = "Terminating", "The pod is draining before deletion."
		ready = cond(corev1.PodReady, false, t.terminating)
		ready.Reason, ready.Message = "Terminating", st.Message
	}
	st.Conditions = []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue, LastTransitionTime: scheduled},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: scheduled},
		ready,
		containersReady,
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: scheduled},
	}

	for _, name := range names {
		cs := corev1.ContainerStatus{Name: name, Image: images[name], Ready: stage == StageReady && !terminating, Started: ptr.To(running)}
		switch {
		case running:
			cs.ImageID = "knsim://" + images[name]
			cs.ContainerID = "knsim://" + encode(hash(p.Namespace, p.Name, name), 16)
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(t.started)}
		case stage == StageScheduled:
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating", Message: pullingMessage}
		default:
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	return st
}

// runKubelets moves every bound active pod to the stage its plan has reached.
// A pod without a plan or an address gets them first, in pod order (they
// draw from the node's image cache and address range); the others only
// need their status written, which forEachPod does concurrently.
func (p *pass) runKubelets(ctx context.Context, active []*corev1.Pod) error {
	var ready []*corev1.Pod
	for _, pod := range active {
		switch {
		case pod.Spec.NodeName == "":
		case !readTimeline(pod).planned() || pod.Status.PodIP == "":
			if err := p.runKubelet(ctx, pod, ""); err != nil {
				return err
			}
		default:
			ready = append(ready, pod)
		}
	}
	return p.forEachPod(ready, func(q *pass, pod *corev1.Pod) error { return q.runKubelet(ctx, pod, "") })
}

// runKubelet reports the stage pod's plan has reached by now, if its status
// is behind, and asks to run again when the next stage is due. podIP is a
// freshly bound pod's address. A pod bound by someone else gets its plan
// drawn here, as if bound now.
func (p *pass) runKubelet(ctx context.Context, pod *corev1.Pod, podIP string) error {
	t := readTimeline(pod)
	if !t.planned() {
		p.c.adoptPlan(keyOf(pod), pod.Spec.NodeName, &pod.Spec, p.now).annotate(pod, p.now)
		if err := p.r.Update(ctx, pod); err != nil {
			return ignoreGone(err, "planning pod %s", pod.Name)
		}
		t = readTimeline(pod)
	}
	cur := statusStage(pod)
	target, next := t.stageAt(p.now)
	p.wakeAt(next)
	if podIP == "" {
		podIP = pod.Status.PodIP
	}
	if stageIndex(target) < stageIndex(cur) {
		target = cur // reported ahead of the plan: never go back
	}
	if target == cur && podIP != "" {
		return nil
	}
	if podIP == "" {
		podIP = p.c.podIPFor(pod.Spec.NodeName)
	}
	hostIP, _ := p.c.nodeOf(pod.Spec.NodeName)
	pod.Status = kubeletStatus(pod, target, t, hostIP, podIP)
	if err := p.r.Status().Update(ctx, pod); err != nil {
		return ignoreGone(err, "updating status of pod %s", pod.Name)
	}
	for _, s := range kubeletStages[stageIndex(cur)+1 : stageIndex(target)+1] {
		p.emit(podEvent(p.now, keyOf(pod), p.owner, pod.Spec.NodeName, s, ""))
	}
	return nil
}
