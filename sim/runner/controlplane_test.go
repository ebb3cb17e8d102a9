package runner

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/controlplane"
	"github.com/knsim/knsim/sim/memory"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/world"
)

// restartControlPlane needs a kube-apiserver: a run on the memory plane is
// refused before it starts, naming the action; envtest runs it.
func TestCheckControlPlaneActions(t *testing.T) {
	restart := scenario.Action{At: scenario.Duration(30 * time.Second), RestartControlPlane: &scenario.RestartControlPlane{Down: scenario.Duration(5 * time.Second)}}
	kill := scenario.Action{At: scenario.Duration(30 * time.Second), KillNode: &scenario.NodeRef{Node: "knsim-worker-1"}}
	for _, tc := range []struct {
		name    string
		plane   scenario.ControlPlane
		actions []scenario.Action
		want    string
	}{
		{"envtest restarts", scenario.Envtest, []scenario.Action{kill, restart}, ""},
		{"memory without a restart", scenario.Memory, []scenario.Action{kill}, ""},
		{"memory refuses a restart", scenario.Memory, []scenario.Action{kill, restart},
			"actions[1] (restartControlPlane at 30s): the memory control plane has no kube-apiserver to restart; run the scenario on envtest (metadata.controlPlane: envtest, --control-plane envtest)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := &scenario.Scenario{Metadata: scenario.Metadata{ControlPlane: tc.plane}, Actions: tc.actions}
			got := ""
			if err := checkControlPlaneActions(sc); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("checkControlPlaneActions (-want +got):\n%s", diff)
			}
		})
	}
}

// apiserverOf finds the envtest control plane through the timing wrapper,
// and none on the memory plane.
func TestAPIServerOf(t *testing.T) {
	cp := &controlplane.ControlPlane{}
	for _, tc := range []struct {
		name string
		b    backend
		want *controlplane.ControlPlane
	}{
		{"memory plane", memoryBackend{&memory.Plane{}}, nil},
		{"memory plane with timing", timedBackend{backend: memoryBackend{&memory.Plane{}}, t: &Timing{}}, nil},
		{"envtest", worldBackend{&world.World{ControlPlane: cp}}, cp},
		{"envtest with timing", timedBackend{backend: worldBackend{&world.World{ControlPlane: cp}}, t: &Timing{}}, cp},
		{"envtest not started", worldBackend{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := apiserverOf(tc.b); got != tc.want {
				t.Errorf("apiserverOf(%s) = %p, want %p", tc.name, got, tc.want)
			}
		})
	}
}
