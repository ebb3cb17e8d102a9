package cluster

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// PoolLabel is the node label naming a node's pool.
const PoolLabel = "sim.knsim.dev/pool"

// Taints a dead node carries, as the node lifecycle controller sets them.
const (
	taintUnreachable = "node.kubernetes.io/unreachable"
	taintNotReady    = "node.kubernetes.io/not-ready"
)

// NodeName is the name of the i-th (0-based) node of the default pool.
func NodeName(i int) string { return poolNodeName(DefaultPoolName, i) }

func poolNodeName(pool string, i int) string { return fmt.Sprintf("%s-%d", pool, i+1) }

// node is the emulation's record of one node: its shape as last seen on the
// apiserver, the pods bound to it and its image cache.
type node struct {
	name, pool    string
	index         int // creation order, for addresses
	ip            string
	capacity      Resources
	labels        map[string]string
	taints        []corev1.Taint
	unschedulable bool
	ready         bool // the Node's Ready condition is True
	gone          bool // the Node object was deleted
	killed        bool // KillNode was called and RestoreNode was not
	epoch         int  // bumped by KillNode: a restored node is a fresh machine

	images       imageCache
	allocated    Resources
	allocNonZero Resources
	pods         map[types.NamespacedName]bool
	nextIP       int
}

func newNode(pool NodePool, i, index int) *node {
	name := poolNodeName(pool.Name, i)
	labels := map[string]string{
		"kubernetes.io/hostname": name,
		"kubernetes.io/os":       "linux",
		"kubernetes.io/arch":     "amd64",
		"type":                   "knsim",
		PoolLabel:                pool.Name,
	}
	maps.Copy(labels, pool.Labels)
	return &node{
		name: name, pool: pool.Name, index: index, ip: nodeIP(index),
		capacity: Resources{MilliCPU: pool.CPU.MilliValue(), Memory: pool.Memory.Value(), Pods: int64(pool.MaxPods)},
		labels:   labels,
		ready:    true,
	}
}

// addNode records n; c.mu must be held or c not yet shared.
func (c *Cluster) addNode(n *node) {
	n.images = imageCache{}
	n.pods = map[types.NamespacedName]bool{}
	c.nodes[n.name] = n
	c.order = append(c.order, n.name)
}

func nodeIP(i int) string { return fmt.Sprintf("172.18.%d.%d", i/250, i%250+2) }

func podCIDR(i int) string { return fmt.Sprintf("10.%d.%d.0/24", 244+i/256, i%256) }

// podIPOn hands out the next pod address of n's pod CIDR; c.mu must be held.
func (n *node) podIPOn() string {
	ip := fmt.Sprintf("10.%d.%d.%d", 244+n.index/256, n.index%256, n.nextIP%252+2)
	n.nextIP++
	return ip
}

// usable reports whether pods may run on n.
func (n *node) usable() bool { return !n.gone && !n.killed && n.ready }

// makeNode builds n's Node object, status included.
func (c *Cluster) makeNode(n *node) *corev1.Node {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewMilliQuantity(n.capacity.MilliCPU, resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(n.capacity.Memory, resource.BinarySI),
		corev1.ResourcePods:   *resource.NewQuantity(n.capacity.Pods, resource.DecimalSI),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: maps.Clone(n.labels)},
		Spec:       corev1.NodeSpec{PodCIDR: podCIDR(n.index), PodCIDRs: []string{podCIDR(n.index)}},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			Phase:       corev1.NodeRunning,
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: n.ip},
				{Type: corev1.NodeHostName, Address: n.name},
			},
			NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "knsim", OperatingSystem: "linux", Architecture: "amd64"},
		},
	}
}

// nodeConditions are a node's conditions when its kubelet is up (ready) or
// has gone silent.
func nodeConditions(ready bool, now metav1.Time) []corev1.NodeCondition {
	if !ready {
		var out []corev1.NodeCondition
		for _, t := range []corev1.NodeConditionType{corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure, corev1.NodeReady} {
			out = append(out, corev1.NodeCondition{Type: t, Status: corev1.ConditionUnknown, Reason: "NodeStatusUnknown",
				Message: "Kubelet stopped posting node status.", LastHeartbeatTime: now, LastTransitionTime: now})
		}
		return out
	}
	cond := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return []corev1.NodeCondition{
		cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "knsim kubelet is posting ready status"),
	}
}

// EnsureNodes registers the configured nodes and marks them Ready. cl must
// not read from a cache.
func (c *Cluster) EnsureNodes(ctx context.Context, cl client.Client) error {
	c.mu.Lock()
	if c.client == nil {
		c.client, c.reader = cl, cl
	}
	nodes := make([]*corev1.Node, 0, len(c.order))
	for _, name := range c.order {
		nodes = append(nodes, c.makeNode(c.nodes[name]))
	}
	c.mu.Unlock()
	now := metav1.NewTime(c.cfg.Clock.Now())
	for _, want := range nodes {
		status := want.Status
		if err := cl.Create(ctx, want); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating node %s: %w", want.Name, err)
		}
		n := &corev1.Node{}
		if err := cl.Get(ctx, client.ObjectKey{Name: want.Name}, n); err != nil {
			return fmt.Errorf("getting node %s: %w", want.Name, err)
		}
		// The apiserver taints new nodes not-ready; lift it as the node
		// lifecycle controller does once the kubelet reports Ready.
		if taints := lifecycleTaints(n.Spec.Taints, true, now); len(taints) != len(n.Spec.Taints) {
			n.Spec.Taints = taints
			if err := cl.Update(ctx, n); err != nil {
				return fmt.Errorf("untainting node %s: %w", n.Name, err)
			}
		}
		n.Status = status
		n.Status.Conditions = nodeConditions(true, now)
		if err := cl.Status().Update(ctx, n); err != nil {
			return fmt.Errorf("marking node %s ready: %w", n.Name, err)
		}
		c.observeNode(n, false)
	}
	return nil
}

// KillNode makes a node fail: it turns NotReady with the unreachable taints,
// loses its image cache, and its pods are deleted and replaced elsewhere by
// their Deployments.
func (c *Cluster) KillNode(ctx context.Context, name string) error {
	if err := c.setKilled(name, true); err != nil {
		return err
	}
	return c.writeNode(ctx, name, false)
}

// RestoreNode brings a killed node back as a fresh, empty machine.
func (c *Cluster) RestoreNode(ctx context.Context, name string) error {
	if err := c.setKilled(name, false); err != nil {
		return err
	}
	return c.writeNode(ctx, name, true)
}

func (c *Cluster) setKilled(name string, killed bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[name]
	if n == nil || n.gone {
		return fmt.Errorf("cluster: no node %q", name)
	}
	if killed && !n.killed {
		n.images = imageCache{}
		n.epoch++
	}
	n.killed = killed
	return nil
}

// writeNode writes a node's taints and Ready condition for a live or dead kubelet.
func (c *Cluster) writeNode(ctx context.Context, name string, ready bool) error {
	c.mu.Lock()
	cl, reader := c.client, c.reader
	c.mu.Unlock()
	if cl == nil {
		return errors.New("cluster: no client yet (call SetupWithManager or EnsureNodes first)")
	}
	n := &corev1.Node{}
	if err := reader.Get(ctx, client.ObjectKey{Name: name}, n); err != nil {
		return fmt.Errorf("getting node %s: %w", name, err)
	}
	now := metav1.NewTime(c.cfg.Clock.Now())
	n.Spec.Taints = lifecycleTaints(n.Spec.Taints, ready, now)
	if err := cl.Update(ctx, n); err != nil {
		return fmt.Errorf("tainting node %s: %w", name, err)
	}
	n.Status.Conditions = nodeConditions(ready, now)
	if err := cl.Status().Update(ctx, n); err != nil {
		return fmt.Errorf("updating status of node %s: %w", name, err)
	}
	return nil
}

// lifecycleTaints returns taints with the node lifecycle controller's taints
// for a node whose kubelet is up (none) or silent (unreachable).
func lifecycleTaints(taints []corev1.Taint, ready bool, now metav1.Time) []corev1.Taint {
	out := slices.DeleteFunc(slices.Clone(taints), func(t corev1.Taint) bool {
		return t.Key == taintUnreachable || t.Key == taintNotReady
	})
	if !ready {
		out = append(out,
			corev1.Taint{Key: taintUnreachable, Effect: corev1.TaintEffectNoSchedule},
			corev1.Taint{Key: taintUnreachable, Effect: corev1.TaintEffectNoExecute, TimeAdded: &now})
	}
	return out
}

// observeNode records what the apiserver says about a node: its shape,
// taints, cordon and readiness. Nodes not in the configuration are adopted.
func (c *Cluster) observeNode(obj *corev1.Node, deleted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes++
	n := c.nodes[obj.Name]
	if n == nil {
		if deleted {
			return
		}
		n = &node{name: obj.Name, pool: obj.Labels[PoolLabel], index: len(c.order), ip: nodeIP(len(c.order))}
		c.addNode(n)
	}
	n.gone = deleted
	if deleted {
		return
	}
	alloc := obj.Status.Allocatable
	if q, ok := alloc[corev1.ResourceCPU]; ok {
		n.capacity.MilliCPU = q.MilliValue()
	}
	if q, ok := alloc[corev1.ResourceMemory]; ok {
		n.capacity.Memory = q.Value()
	}
	if q, ok := alloc[corev1.ResourcePods]; ok {
		n.capacity.Pods = q.Value()
	}
	for _, a := range obj.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			n.ip = a.Address
		}
	}
	n.labels = maps.Clone(obj.Labels)
	n.taints = slices.Clone(obj.Spec.Taints)
	n.unschedulable = obj.Spec.Unschedulable
	n.ready = false
	for _, cond := range obj.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			n.ready = cond.Status == corev1.ConditionTrue
		}
	}
}

// nodeInfos is the scheduler's view of the nodes; c.mu must be held. A node
// that cannot run pods carries the not-ready taint if it has no such taint yet.
func (c *Cluster) nodeInfosLocked() []nodeInfo {
	out := make([]nodeInfo, 0, len(c.order))
	for _, name := range c.order {
		n := c.nodes[name]
		if n.gone {
			continue
		}
		taints := n.taints
		if !n.usable() && !slices.ContainsFunc(taints, func(t corev1.Taint) bool {
			return (t.Key == taintUnreachable || t.Key == taintNotReady) && t.Effect == corev1.TaintEffectNoSchedule
		}) {
			taints = append(slices.Clone(taints), corev1.Taint{Key: taintNotReady, Effect: corev1.TaintEffectNoSchedule})
		}
		out = append(out, nodeInfo{
			name: n.name, allocatable: n.capacity, allocated: n.allocated, allocNonZero: n.allocNonZero,
			unschedulable: n.unschedulable, labels: n.labels, taints: taints,
		})
	}
	return out
}

// pollNodes records every Node the apiserver has; configured nodes it lacks
// are gone.
func (c *Cluster) pollNodes(ctx context.Context, reader client.Reader) error {
	var list corev1.NodeList
	// observeNode copies what it keeps, so a cache may hand out its own
	// objects: every Deployment's reconcile polls every node.
	if err := reader.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("listing nodes: %w", err)
	}
	seen := make(map[string]bool, len(list.Items))
	for i := range list.Items {
		seen[list.Items[i].Name] = true
		c.observeNode(&list.Items[i], false)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, name := range c.order {
		if !seen[name] {
			c.nodes[name].gone = true
		}
	}
	return nil
}
