package runner

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/scenario"
)

// A scenario's node pools reach the cluster emulation whole, pod capacity
// included.
func TestClusterConfigNodePools(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pools []scenario.NodePool
		want  []cluster.NodePool
	}{
		{"maxPods set", []scenario.NodePool{{Name: "small", Count: 2, CPU: resource.MustParse("4"), MaxPods: 3}},
			[]cluster.NodePool{{Name: "small", Count: 2, CPU: resource.MustParse("4"), MaxPods: 3}}},
		{"maxPods unset stays unset (the emulation's default)", []scenario.NodePool{{Name: "w", Count: 1}},
			[]cluster.NodePool{{Name: "w", Count: 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := &scenario.Scenario{}
			sc.Cluster.Nodes = tc.pools
			got := clusterConfig(sc).NodePools
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("node pools (-want +got):\n%s", diff)
			}
		})
	}
}
