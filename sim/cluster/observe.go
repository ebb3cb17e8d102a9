package cluster

import (
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// Stage is a step of a pod's life in the emulation.
type Stage string

// The stages, in order. A pod may skip stages whose planned length is zero
// only in the sense that several are reached at the same instant; each is
// still reported.
const (
	// StageCreated: the pod object exists and waits for the scheduler.
	StageCreated Stage = "Created"
	// StageUnschedulable: a scheduling attempt found no node; Reason holds
	// the scheduler's message. Reported again only when the message changes.
	StageUnschedulable Stage = "Unschedulable"
	// StageScheduled: bound to a node; images start pulling.
	StageScheduled Stage = "Scheduled"
	// StagePulled: images present; containers start.
	StagePulled Stage = "Pulled"
	// StageStarted: containers running; the readiness probe has not passed.
	StageStarted Stage = "Started"
	// StageReady: the pod is Ready and receives traffic.
	StageReady Stage = "Ready"
	// StageTerminating: chosen by a scale-down (or deleted gracefully), the
	// pod is NotReady and drains.
	StageTerminating Stage = "Terminating"
	// StageDeleted: the pod is gone; Reason says why.
	StageDeleted Stage = "Deleted"
)

// Reasons a PodEvent of StageDeleted carries.
const (
	// DeletedDrained: the drain after a scale-down or graceful delete ended.
	DeletedDrained = "Drained"
	// DeletedScaleDown: a scale-down removed a pod that was never scheduled.
	DeletedScaleDown = "ScaleDown"
	// DeletedNodeLost: the pod's node died or went away.
	DeletedNodeLost = "NodeLost"
	// DeletedOrphaned: the pod's Deployment was deleted.
	DeletedOrphaned = "DeploymentDeleted"
)

// PodEvent is one pod lifecycle transition.
type PodEvent struct {
	// Time is when it happened, on the injected clock.
	Time time.Time
	// Namespace and Pod name the pod; Deployment names its owner.
	Namespace, Pod, Deployment string
	// Node is the pod's node, empty while unscheduled.
	Node string
	// Stage is the stage entered.
	Stage Stage
	// Reason details StageUnschedulable and StageDeleted.
	Reason string
}

// emit reports e to Config.OnPodEvent.
func (c *Cluster) emit(e PodEvent) {
	if c.cfg.OnPodEvent == nil {
		return
	}
	c.eventMu.Lock()
	defer c.eventMu.Unlock()
	c.cfg.OnPodEvent(e)
}

// Snapshot is the cluster's state at one instant.
type Snapshot struct {
	// Time is the injected clock's time when it was taken.
	Time time.Time
	// Nodes are every node, in creation order.
	Nodes []NodeSnapshot
	// Pending lists the Deployments (namespace/name) with unscheduled pods.
	Pending []string
}

// NodeSnapshot is one node's state.
type NodeSnapshot struct {
	// Name and Pool identify the node.
	Name, Pool string
	// Ready is false for a node that was killed, went NotReady or was deleted.
	Ready bool
	// Unschedulable is true for a cordoned node.
	Unschedulable bool
	// Allocatable is the node's capacity; Allocated is what its pods request,
	// terminating pods included.
	Allocatable, Allocated Resources
	// Pods are the node's pods (namespace/name), sorted.
	Pods []string
	// Images are the images the node has or is pulling, sorted.
	Images []string
}

// Snapshot returns a copy of the emulation's view of the cluster.
func (c *Cluster) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Snapshot{Time: c.cfg.Clock.Now()}
	for _, name := range c.order {
		n := c.nodes[name]
		ns := NodeSnapshot{
			Name: n.name, Pool: n.pool, Ready: n.usable(), Unschedulable: n.unschedulable,
			Allocatable: n.capacity, Allocated: n.allocated,
		}
		for key := range n.pods {
			ns.Pods = append(ns.Pods, key.String())
		}
		for img := range n.images {
			ns.Images = append(ns.Images, img)
		}
		slices.Sort(ns.Pods)
		slices.Sort(ns.Images)
		s.Nodes = append(s.Nodes, ns)
	}
	for key := range c.pending {
		s.Pending = append(s.Pending, key.String())
	}
	slices.Sort(s.Pending)
	return s
}

// podEvent starts an event about pod key of owner.
func podEvent(now time.Time, key, owner types.NamespacedName, node string, stage Stage, reason string) PodEvent {
	return PodEvent{Time: now, Namespace: key.Namespace, Pod: key.Name, Deployment: owner.Name, Node: node, Stage: stage, Reason: reason}
}
