package cluster

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// NodeName is the name of the i-th worker node (0-based).
func NodeName(i int) string { return fmt.Sprintf("knsim-worker-%d", i+1) }

func nodeIP(i int) string { return fmt.Sprintf("172.18.0.%d", i+2) }

// makeNode builds the i-th worker node.
func (c *Cluster) makeNode(i int) *corev1.Node {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    c.cfg.NodeCPU,
		corev1.ResourceMemory: c.cfg.NodeMemory,
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: NodeName(i),
			Labels: map[string]string{
				"kubernetes.io/hostname": NodeName(i),
				"kubernetes.io/os":       "linux",
				"kubernetes.io/arch":     "amd64",
				"type":                   "knsim",
			},
		},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			Phase:       corev1.NodeRunning,
			Addresses:   []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: nodeIP(i)}},
			NodeInfo:    corev1.NodeSystemInfo{KubeletVersion: "knsim", OperatingSystem: "linux", Architecture: "amd64"},
		},
	}
}

// EnsureNodes registers the worker nodes and marks them Ready.
func (c *Cluster) EnsureNodes(ctx context.Context, cl client.Client) error {
	now := metav1.NewTime(c.cfg.Clock.Now())
	for i := 0; i < c.cfg.Nodes; i++ {
		want := c.makeNode(i)
		status := want.Status
		if err := cl.Create(ctx, want); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating node %s: %w", want.Name, err)
		}
		node := &corev1.Node{}
		if err := cl.Get(ctx, client.ObjectKey{Name: want.Name}, node); err != nil {
			return fmt.Errorf("getting node %s: %w", want.Name, err)
		}
		node.Status = status
		node.Status.Conditions = []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			Message: "knsim kubelet is posting ready status", LastHeartbeatTime: now, LastTransitionTime: now,
		}}
		if err := cl.Status().Update(ctx, node); err != nil {
			return fmt.Errorf("marking node %s ready: %w", node.Name, err)
		}
	}
	return nil
}
