package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/sim/distribution"
)

func TestConfigDefaults(t *testing.T) {
	c := testCluster(t, Config{})
	cfg := c.cfg
	if len(cfg.NodePools) != 1 || cfg.NodePools[0].Name != DefaultPoolName || cfg.NodePools[0].Count != DefaultNodes ||
		cfg.NodePools[0].CPU.Cmp(resource.MustParse("8")) != 0 || cfg.NodePools[0].Memory.Cmp(resource.MustParse("32Gi")) != 0 ||
		cfg.NodePools[0].MaxPods != DefaultMaxPods {
		t.Errorf("default pools = %+v", cfg.NodePools)
	}
	if cfg.Policy != Spread || c.drain != DefaultDrain {
		t.Errorf("policy %s drain %s", cfg.Policy, c.drain)
	}
	for name, pair := range map[string][2]distribution.Distribution{
		"ImagePull":       {cfg.ImagePull, DefaultImagePull},
		"CachedImagePull": {cfg.CachedImagePull, DefaultCachedImagePull},
		"ContainerStart":  {cfg.ContainerStart, DefaultContainerStart},
		"Readiness":       {cfg.Readiness, DefaultReadiness},
	} {
		if !cmp.Equal(pair[0], pair[1]) {
			t.Errorf("%s = %s, want %s", name, pair[0], pair[1])
		}
	}
	snap := c.Snapshot()
	if len(snap.Nodes) != 3 || snap.Nodes[0].Name != "knsim-worker-1" || snap.Nodes[2].Name != "knsim-worker-3" ||
		snap.Nodes[0].Allocatable != (Resources{MilliCPU: 8000, Memory: 32 << 30, Pods: 110}) || !snap.Nodes[0].Ready {
		t.Errorf("snapshot = %+v", snap)
	}
}

func TestConfigPodStartup(t *testing.T) {
	cfg := testCluster(t, Config{Nodes: 2, PodStartup: 200 * time.Millisecond, Readiness: distribution.ConstantDuration(time.Second)}).cfg
	if cfg.NodePools[0].Count != 2 {
		t.Errorf("Nodes ignored: %+v", cfg.NodePools)
	}
	if !cmp.Equal(cfg.ContainerStart, distribution.ConstantDuration(200*time.Millisecond)) || !cmp.Equal(cfg.ImagePull, distribution.ConstantDuration(0)) ||
		!cmp.Equal(cfg.Readiness, distribution.ConstantDuration(time.Second)) {
		t.Errorf("PodStartup: pull %s start %s readiness %s", cfg.ImagePull, cfg.ContainerStart, cfg.Readiness)
	}
}

func TestConfigPools(t *testing.T) {
	c := testCluster(t, Config{Policy: BinPack, Drain: ptr.To(time.Duration(0)), NodePools: []NodePool{
		{Count: 1},
		{Name: "big", Count: 2, CPU: resource.MustParse("64"), Memory: resource.MustParse("256Gi"), MaxPods: 250, Labels: map[string]string{"size": "big"}},
	}})
	var names []string
	for _, n := range c.Snapshot().Nodes {
		names = append(names, n.Name+"/"+n.Pool)
	}
	if got := strings.Join(names, " "); got != "knsim-worker-1/knsim-worker big-1/big big-2/big" {
		t.Errorf("nodes %s", got)
	}
	big := c.nodes["big-2"]
	if big.capacity != (Resources{MilliCPU: 64000, Memory: 256 << 30, Pods: 250}) || big.labels["size"] != "big" || big.labels[PoolLabel] != "big" {
		t.Errorf("big-2 = %+v", big)
	}
	if c.drain != 0 {
		t.Errorf("drain %s, want 0", c.drain)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Nodes: -1}, "Nodes must be >= 0"},
		{Config{PodStartup: -time.Second}, "PodStartup must be >= 0"},
		{Config{Nodes: 2, NodePools: []NodePool{{Count: 1}}}, "set either NodePools or Nodes/NodeCPU/NodeMemory"},
		{Config{NodePools: []NodePool{{Count: 1}, {Count: 1}}}, "NodePools[1]: name is required"},
		{Config{NodePools: []NodePool{{Name: "a", Count: 1}, {Name: "a", Count: 2}}}, `NodePools[1]: duplicate name "a"`},
		{Config{NodePools: []NodePool{{Name: "Bad_Name", Count: 1}}}, `NodePools[0]: name "Bad_Name" does not make valid node names`},
		{Config{NodePools: []NodePool{{Name: "a"}}}, "NodePools[0]: count must be >= 1, got 0"},
		{Config{NodePools: []NodePool{{Name: "a", Count: 1, CPU: resource.MustParse("-1")}}}, "cpu and memory must be positive"},
		{Config{Policy: "Random"}, `unknown Policy "Random"`},
		{Config{ImagePull: distribution.UniformDuration(2*time.Second, time.Second)}, "ImagePull: uniform distribution: max (1) must be >= min (2)"},
		{Config{Readiness: distribution.Distribution{Type: "weibull"}}, `Readiness: unknown distribution type "weibull"`},
		{Config{Drain: ptr.To(-time.Second)}, "Drain must be >= 0"},
		{Config{MaxPendingPods: -1}, "MaxPendingPods must be >= 1 (0 for the default 500), got -1"},
		{Config{NodePools: []NodePool{{Name: "a", Count: 1, MaxPods: -1}}}, "NodePools[0]: maxPods must be >= 0, got -1"},
	} {
		tc.cfg.Clock = testCluster(t, Config{}).cfg.Clock
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := New(Config{}); err == nil || err.Error() != "cluster: Clock is required" {
		t.Errorf("New without a clock: %v", err)
	}
}
