package cluster

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Policy is how the scheduler scores the nodes a pod fits on.
type Policy string

const (
	// Spread prefers the least allocated node (kube-scheduler's default
	// LeastAllocated scoring), spreading pods across nodes.
	Spread Policy = "Spread"
	// BinPack prefers the most allocated node (MostAllocated scoring),
	// packing pods onto as few nodes as possible.
	BinPack Policy = "BinPack"
)

// Resources is an amount of node resources.
type Resources struct {
	// MilliCPU is CPU in thousandths of a core.
	MilliCPU int64 `json:"milliCPU"`
	// Memory is in bytes.
	Memory int64 `json:"memory"`
	// Pods is a number of pods.
	Pods int64 `json:"pods"`
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{MilliCPU: r.MilliCPU + o.MilliCPU, Memory: r.Memory + o.Memory, Pods: r.Pods + o.Pods}
}

// Sub returns r - o.
func (r Resources) Sub(o Resources) Resources {
	return Resources{MilliCPU: r.MilliCPU - o.MilliCPU, Memory: r.Memory - o.Memory, Pods: r.Pods - o.Pods}
}

// Default requests kube-scheduler assumes, for scoring only, of a container
// that requests nothing (its "non-zero" requests).
const (
	defaultMilliCPURequest = 100
	defaultMemoryRequest   = 200 << 20
)

// podRequest is what the scheduler needs to know about a pod.
type podRequest struct {
	// requests is the sum of the containers' requests, with Pods 1.
	requests Resources
	// nonZero is requests with kube-scheduler's defaults for containers
	// that request no CPU or memory, used for scoring.
	nonZero      Resources
	nodeSelector map[string]string
	tolerations  []corev1.Toleration
}

// requestOf sums the requests of a pod spec's containers (init containers
// take the max, as kube-scheduler does).
func requestOf(spec *corev1.PodSpec) podRequest {
	var sum, nonZero, initMax Resources
	for _, c := range spec.Containers {
		cpu, mem := c.Resources.Requests.Cpu().MilliValue(), c.Resources.Requests.Memory().Value()
		sum = sum.Add(Resources{MilliCPU: cpu, Memory: mem})
		if cpu == 0 {
			cpu = defaultMilliCPURequest
		}
		if mem == 0 {
			mem = defaultMemoryRequest
		}
		nonZero = nonZero.Add(Resources{MilliCPU: cpu, Memory: mem})
	}
	for _, c := range spec.InitContainers {
		initMax.MilliCPU = max(initMax.MilliCPU, c.Resources.Requests.Cpu().MilliValue())
		initMax.Memory = max(initMax.Memory, c.Resources.Requests.Memory().Value())
	}
	sum.MilliCPU, sum.Memory = max(sum.MilliCPU, initMax.MilliCPU), max(sum.Memory, initMax.Memory)
	sum.Pods, nonZero.Pods = 1, 1
	return podRequest{requests: sum, nonZero: nonZero, nodeSelector: spec.NodeSelector, tolerations: spec.Tolerations}
}

// nodeInfo is a node as the scheduler sees it.
type nodeInfo struct {
	name          string
	allocatable   Resources
	allocated     Resources // requests of the pods bound to the node
	allocNonZero  Resources // the same with non-zero defaults, for scoring
	unschedulable bool
	labels        map[string]string
	taints        []corev1.Taint
}

// Scheduling failure reasons, worded as kube-scheduler's plugins word them.
const (
	reasonUnschedulable    = "node(s) were unschedulable"
	reasonSelector         = "node(s) didn't match Pod's node affinity/selector"
	reasonTooManyPods      = "Too many pods"
	reasonInsufficientCPU  = "Insufficient cpu"
	reasonInsufficientMem  = "Insufficient memory"
	reasonNoNodesAvailable = "no nodes available to schedule pods"
)

// filter returns why pod cannot run on n (nil when it fits). Like
// kube-scheduler, it stops at the first failing check, in plugin order:
// NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit.
func filter(n nodeInfo, pod podRequest) []string {
	if n.unschedulable {
		return []string{reasonUnschedulable}
	}
	for i := range n.taints {
		t := &n.taints[i]
		if (t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute) && !tolerated(pod.tolerations, t) {
			return []string{fmt.Sprintf("node(s) had untolerated taint {%s: %s}", t.Key, t.Value)}
		}
	}
	for k, v := range pod.nodeSelector {
		if got, ok := n.labels[k]; !ok || got != v {
			return []string{reasonSelector}
		}
	}
	var reasons []string
	free := n.allocatable.Sub(n.allocated)
	if pod.requests.Pods > free.Pods {
		reasons = append(reasons, reasonTooManyPods)
	}
	if pod.requests.MilliCPU > 0 && pod.requests.MilliCPU > free.MilliCPU {
		reasons = append(reasons, reasonInsufficientCPU)
	}
	if pod.requests.Memory > 0 && pod.requests.Memory > free.Memory {
		reasons = append(reasons, reasonInsufficientMem)
	}
	return reasons
}

// tolerated reports whether one of tols tolerates t.
func tolerated(tols []corev1.Toleration, t *corev1.Taint) bool {
	for _, tol := range tols {
		if tol.Effect != "" && tol.Effect != t.Effect {
			continue
		}
		if tol.Key != "" && tol.Key != t.Key {
			continue
		}
		switch tol.Operator {
		case corev1.TolerationOpExists:
			return true
		case corev1.TolerationOpEqual, "":
			if tol.Key != "" && tol.Value == t.Value {
				return true
			}
		}
	}
	return false
}

// score rates n for pod under policy, from 0 to 100 (higher is better), as
// kube-scheduler's LeastAllocated and MostAllocated strategies do: the mean
// over CPU and memory of the node's free (or used) fraction after placing
// the pod, counting non-zero requests.
func score(n nodeInfo, pod podRequest, policy Policy) float64 {
	frac := func(used, capacity int64) float64 {
		if capacity <= 0 {
			return 1
		}
		return min(1, float64(used)/float64(capacity))
	}
	after := n.allocNonZero.Add(pod.nonZero)
	used := (frac(after.MilliCPU, n.allocatable.MilliCPU) + frac(after.Memory, n.allocatable.Memory)) / 2
	if policy == BinPack {
		return 100 * used
	}
	return 100 * (1 - used)
}

// unschedulableError says why no node fits, in kube-scheduler's words.
type unschedulableError struct {
	message string
}

func (e *unschedulableError) Error() string { return e.message }

// schedule picks the node for pod: among the nodes that pass filter, the best
// scored under policy, ties going to the smallest name. When none fits it
// returns an *unschedulableError such as
// "0/3 nodes are available: 3 Insufficient cpu.".
func schedule(nodes []nodeInfo, pod podRequest, policy Policy) (string, error) {
	if len(nodes) == 0 {
		return "", &unschedulableError{message: reasonNoNodesAvailable}
	}
	best, bestScore := "", -1.0
	counts := map[string]int{}
	for _, n := range nodes {
		if reasons := filter(n, pod); len(reasons) > 0 {
			for _, r := range reasons {
				counts[r]++
			}
			continue
		}
		s := score(n, pod, policy)
		if s > bestScore || s == bestScore && n.name < best {
			best, bestScore = n.name, s
		}
	}
	if best != "" {
		return best, nil
	}
	parts := make([]string, 0, len(counts))
	for r, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(parts)
	return "", &unschedulableError{message: fmt.Sprintf("0/%d nodes are available: %s.", len(nodes), strings.Join(parts, ", "))}
}

// fits returns how many more pods like pod n can take: none when filter
// refuses it for another reason than resources, else the fewest its free
// pod slots, CPU and memory allow.
func fits(n nodeInfo, pod podRequest) int64 {
	probe := pod
	probe.requests = Resources{}
	if len(filter(n, probe)) > 0 {
		return 0
	}
	free := n.allocatable.Sub(n.allocated)
	k := free.Pods
	if pod.requests.MilliCPU > 0 {
		k = min(k, free.MilliCPU/pod.requests.MilliCPU)
	}
	if pod.requests.Memory > 0 {
		k = min(k, free.Memory/pod.requests.Memory)
	}
	return max(k, 0)
}
