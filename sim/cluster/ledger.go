package cluster

import (
	"cmp"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The ledger is the emulation's in-memory account of which pod holds what
// capacity on which node. Scheduling decisions are taken and recorded under
// c.mu in one step, so two pods never take the same free capacity, whatever
// the informer caches say. Deployment reconciles keep it in step with the
// apiserver (syncOwner), and pod deletions release capacity at once.

// boundPod is a pod holding capacity on a node.
type boundPod struct {
	node  string
	owner types.NamespacedName
	req   podRequest
}

// binding is a scheduling decision: the node and what the kubelet will do.
type binding struct {
	node, hostIP, podIP string
	plan                stagePlan
}

// reserve schedules the pod key of owner with spec at now and, when a node
// fits, books its capacity there and plans its stages. Otherwise it returns
// the scheduler's *unschedulableError.
func (c *Cluster) reserve(key, owner types.NamespacedName, spec *corev1.PodSpec, now time.Time) (binding, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.releaseLocked(key)
	req := requestOf(spec)
	name, err := schedule(c.nodeInfosLocked(), req, c.cfg.Policy)
	if err != nil {
		return binding{}, err
	}
	n := c.nodes[name]
	c.holdLocked(key, owner, n, req)
	return binding{node: name, hostIP: n.ip, podIP: n.podIPOn(), plan: c.planLocked(key, n, spec, now)}, nil
}

func (c *Cluster) holdLocked(key, owner types.NamespacedName, n *node, req podRequest) {
	c.pods[key] = boundPod{node: n.name, owner: owner, req: req}
	c.changes++
	n.allocated = n.allocated.Add(req.requests)
	n.allocNonZero = n.allocNonZero.Add(req.nonZero)
	n.pods[key] = true
}

// release frees the capacity pod key holds, reporting whether it held any.
func (c *Cluster) release(key types.NamespacedName) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.releaseLocked(key)
}

func (c *Cluster) releaseLocked(key types.NamespacedName) bool {
	p, ok := c.pods[key]
	if !ok {
		return false
	}
	delete(c.pods, key)
	c.changes++
	if n := c.nodes[p.node]; n != nil {
		n.allocated = n.allocated.Sub(p.req.requests)
		n.allocNonZero = n.allocNonZero.Sub(p.req.nonZero)
		delete(n.pods, key)
	}
	return true
}

// syncOwner makes the ledger's pods of owner those of pods that are bound:
// pods gone from the apiserver free their capacity, and bound pods the
// ledger does not know (bound by someone else) take theirs.
func (c *Cluster) syncOwner(owner types.NamespacedName, pods []*corev1.Pod) {
	held := c.rounds.held(owner) // before c.mu: rounds lock first
	c.mu.Lock()
	defer c.mu.Unlock()
	present := make(map[types.NamespacedName]bool, len(pods))
	for _, p := range pods {
		if p.Spec.NodeName == "" {
			continue
		}
		key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
		present[key] = true
		if bp, ok := c.pods[key]; ok && bp.node == p.Spec.NodeName {
			continue
		}
		c.releaseLocked(key)
		if n := c.nodes[p.Spec.NodeName]; n != nil {
			c.holdLocked(key, owner, n, requestOf(&p.Spec))
		}
	}
	for key, bp := range c.pods {
		if bp.owner == owner && !present[key] && !held[key] {
			c.releaseLocked(key)
		}
	}
}

// changeCount returns how many times the ledger or the nodes changed.
func (c *Cluster) changeCount() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changes
}

// nodeOf reports the address of a pod's node and whether pods may run there.
func (c *Cluster) nodeOf(name string) (ip string, usable bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[name]
	if n == nil {
		return "", false
	}
	return n.ip, n.usable()
}

// podIPFor hands out a pod address on the named node.
func (c *Cluster) podIPFor(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.nodes[name]; n != nil {
		return n.podIPOn()
	}
	return ""
}

// setPending records whether owner has pods waiting for capacity.
func (c *Cluster) setPending(owner types.NamespacedName, pending bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pending {
		c.pending[owner] = true
	} else {
		delete(c.pending, owner)
	}
}

// Waiting returns the Deployments with pods waiting for capacity, sorted:
// a control plane without watches retries them when a pod goes, as the
// emulation's pod-deletion handler does on an apiserver.
func (c *Cluster) Waiting() []types.NamespacedName { return c.waiting("") }

// waiting returns the Deployments with unscheduled pods and, when node is
// set, those with pods on that node: the ones a change of capacity concerns.
func (c *Cluster) waiting(node string) []types.NamespacedName {
	c.mu.Lock()
	defer c.mu.Unlock()
	set := make(map[types.NamespacedName]bool, len(c.pending))
	for o := range c.pending {
		set[o] = true
	}
	if n := c.nodes[node]; n != nil {
		for key := range n.pods {
			set[c.pods[key].owner] = true
		}
	}
	out := make([]types.NamespacedName, 0, len(set))
	for o := range set {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b types.NamespacedName) int {
		if a.Namespace != b.Namespace {
			return cmp.Compare(a.Namespace, b.Namespace)
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

// admissible returns how many pods of spec the nodes could take now, as the
// ledger stands, counting at most limit.
func (c *Cluster) admissible(spec *corev1.PodSpec, limit int) int {
	if limit <= 0 {
		return 0
	}
	req := requestOf(spec)
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	for _, n := range c.nodeInfosLocked() {
		if total += fits(n, req); total >= int64(limit) {
			return limit
		}
	}
	return int(total)
}

// markGone records that the Deployment owner with uid is deleted or being
// deleted, so that a reconcile creating its pods stops.
func (c *Cluster) markGone(owner types.NamespacedName, uid types.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gone[owner] = uid
}

// isGone reports whether the Deployment owner with uid was marked gone.
func (c *Cluster) isGone(owner types.NamespacedName, uid types.UID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	got, ok := c.gone[owner]
	return ok && got == uid
}

// forgetGone drops owner's mark once its pods are collected.
func (c *Cluster) forgetGone(owner types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.gone, owner)
}
