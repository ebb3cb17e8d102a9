package cluster

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/sim/distribution"
)

// TestNewValidation complements config_test.go's TestConfigErrors: every
// refusal returns no Cluster and an error prefixed "cluster: ".
func TestNewValidation(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error
	}{
		{name: "nil clock", cfg: Config{}, want: "Clock is required"},
		{name: "negative nodes", cfg: Config{Clock: clk, Nodes: -1}, want: "Nodes must be >= 0"},
		{name: "pools and node cpu together", cfg: Config{Clock: clk, NodeCPU: resource.MustParse("2"), NodePools: []NodePool{{Count: 1}}},
			want: "not both"},
		{name: "pools and node memory together", cfg: Config{Clock: clk, NodeMemory: resource.MustParse("1Gi"), NodePools: []NodePool{{Count: 1}}},
			want: "not both"},
		{name: "negative pool memory", cfg: Config{Clock: clk, NodePools: []NodePool{{Name: "a", Count: 1, Memory: resource.MustParse("-1Gi")}}},
			want: "NodePools[0]: cpu and memory must be positive"},
		{name: "negative max pods", cfg: Config{Clock: clk, NodePools: []NodePool{{Name: "a", Count: 1, MaxPods: -1}}},
			want: "NodePools[0]: maxPods must be >= 0"},
		{name: "negative count", cfg: Config{Clock: clk, NodePools: []NodePool{{Name: "a", Count: -2}}},
			want: "NodePools[0]: count must be >= 1"},
		{name: "pool name too long for node names", cfg: Config{Clock: clk, NodePools: []NodePool{{Name: strings.Repeat("a", 252), Count: 1}}},
			want: "does not make valid node names"},
		{name: "invalid explicit stage", cfg: Config{Clock: clk, ContainerStart: distribution.ConstantDuration(-time.Second)},
			want: "ContainerStart: constant distribution: value must be >= 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if err == nil {
				t.Fatalf("New succeeded, want an error containing %q", tc.want)
			}
			if c != nil {
				t.Error("New returned a Cluster alongside an error")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "cluster: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("error = %q, want \"cluster: ...%s...\"", msg, tc.want)
			}
		})
	}
}
