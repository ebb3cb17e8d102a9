package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

const gi = int64(1) << 30

// n is a node with 4 CPU, 8Gi and 10 pods of which cpu millicores and mem
// bytes are allocated (non-zero requests equal to the requests).
func n(name string, cpu, mem int64) nodeInfo {
	used := Resources{MilliCPU: cpu, Memory: mem}
	return nodeInfo{name: name, allocatable: Resources{MilliCPU: 4000, Memory: 8 * gi, Pods: 10}, allocated: used, allocNonZero: used}
}

func req(cpu, mem int64) podRequest {
	r := Resources{MilliCPU: cpu, Memory: mem, Pods: 1}
	return podRequest{requests: r, nonZero: r}
}

func TestSchedule(t *testing.T) {
	cordoned := n("c", 0, 0)
	cordoned.unschedulable = true
	tainted := n("t", 0, 0)
	tainted.taints = []corev1.Taint{{Key: "node.kubernetes.io/unreachable", Effect: corev1.TaintEffectNoSchedule}}
	full := n("f", 0, 0)
	full.allocated.Pods = 10
	gpu := n("g", 0, 0)
	gpu.labels = map[string]string{"accelerator": "gpu"}
	tolerant := req(100, gi)
	tolerant.tolerations = []corev1.Toleration{{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists}}
	wantsGPU := req(100, gi)
	wantsGPU.nodeSelector = map[string]string{"accelerator": "gpu"}

	for _, tc := range []struct {
		name   string
		nodes  []nodeInfo
		pod    podRequest
		policy Policy
		want   string
		errMsg string
	}{
		{name: "spread picks the least allocated", nodes: []nodeInfo{n("a", 3000, 0), n("b", 1000, 0), n("c", 2000, 0)}, pod: req(500, gi), policy: Spread, want: "b"},
		{name: "binpack picks the most allocated that fits", nodes: []nodeInfo{n("a", 3000, 0), n("b", 1000, 0), n("c", 3800, 0)}, pod: req(500, gi), policy: BinPack, want: "a"},
		{name: "spread weighs memory too", nodes: []nodeInfo{n("a", 1000, 6*gi), n("b", 2000, 0)}, pod: req(100, gi), policy: Spread, want: "b"},
		{name: "ties go to the smallest name", nodes: []nodeInfo{n("b", 0, 0), n("a", 0, 0), n("c", 0, 0)}, pod: req(100, gi), policy: Spread, want: "a"},
		{name: "binpack ties too", nodes: []nodeInfo{n("z", 1000, 0), n("y", 1000, 0)}, pod: req(100, gi), policy: BinPack, want: "y"},
		{name: "exact fit", nodes: []nodeInfo{n("a", 3000, 0)}, pod: req(1000, 8*gi), policy: Spread, want: "a"},
		{name: "zero request fits a full node", nodes: []nodeInfo{n("a", 4000, 8*gi)}, pod: req(0, 0), policy: Spread, want: "a"},
		{name: "cordoned nodes are skipped", nodes: []nodeInfo{cordoned, n("d", 3000, 0)}, pod: req(100, gi), policy: Spread, want: "d"},
		{name: "tolerated taint", nodes: []nodeInfo{tainted}, pod: tolerant, policy: Spread, want: "t"},
		{name: "node selector", nodes: []nodeInfo{n("a", 0, 0), gpu}, pod: wantsGPU, policy: Spread, want: "g"},

		{name: "insufficient cpu everywhere", nodes: []nodeInfo{n("a", 3000, 0), n("b", 3500, 0), n("c", 4000, 0)}, pod: req(1500, gi), policy: Spread,
			errMsg: "0/3 nodes are available: 3 Insufficient cpu."},
		{name: "cpu and memory", nodes: []nodeInfo{n("a", 3000, 0), n("b", 3900, 8*gi)}, pod: req(1500, gi), policy: Spread,
			errMsg: "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu."},
		{name: "mixed reasons", nodes: []nodeInfo{cordoned, tainted, full, n("a", 4000, 0)}, pod: req(100, gi), policy: BinPack,
			errMsg: "0/4 nodes are available: 1 Insufficient cpu, 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable."},
		{name: "selector matches nothing", nodes: []nodeInfo{n("a", 0, 0)}, pod: wantsGPU, policy: Spread,
			errMsg: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."},
		{name: "no nodes", pod: req(1, 1), policy: Spread, errMsg: "no nodes available to schedule pods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := schedule(tc.nodes, tc.pod, tc.policy)
			if tc.errMsg != "" {
				if _, ok := err.(*unschedulableError); !ok || err.Error() != tc.errMsg {
					t.Fatalf("schedule() = %q, %v; want error %q", got, err, tc.errMsg)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("schedule() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestRequestOf(t *testing.T) {
	rl := func(cpu, mem string) corev1.ResourceRequirements {
		r := corev1.ResourceList{}
		if cpu != "" {
			r[corev1.ResourceCPU] = resource.MustParse(cpu)
		}
		if mem != "" {
			r[corev1.ResourceMemory] = resource.MustParse(mem)
		}
		return corev1.ResourceRequirements{Requests: r}
	}
	spec := &corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init", Resources: rl("2", "")}},
		Containers: []corev1.Container{
			{Name: "user-container"},
			{Name: "queue-proxy", Resources: rl("25m", "50Mi")},
		},
		NodeSelector: map[string]string{"k": "v"},
	}
	got := requestOf(spec)
	if diff := cmp.Diff(Resources{MilliCPU: 2000, Memory: 50 << 20, Pods: 1}, got.requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Resources{MilliCPU: 125, Memory: 250 << 20, Pods: 1}, got.nonZero); diff != "" {
		t.Errorf("non-zero requests (-want +got):\n%s", diff)
	}
	if got.nodeSelector["k"] != "v" {
		t.Error("node selector lost")
	}
}

func TestTolerated(t *testing.T) {
	taint := &corev1.Taint{Key: "k", Value: "v", Effect: corev1.TaintEffectNoSchedule}
	for _, tc := range []struct {
		tol  corev1.Toleration
		want bool
	}{
		{corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists}, true},
		{corev1.Toleration{Key: "k", Value: "v"}, true},
		{corev1.Toleration{Key: "k", Value: "w"}, false},
		{corev1.Toleration{Operator: corev1.TolerationOpExists}, true},
		{corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}, false},
		{corev1.Toleration{Key: "other", Operator: corev1.TolerationOpExists}, false},
	} {
		if got := tolerated([]corev1.Toleration{tc.tol}, taint); got != tc.want {
			t.Errorf("tolerated(%+v) = %v, want %v", tc.tol, got, tc.want)
		}
	}
}
