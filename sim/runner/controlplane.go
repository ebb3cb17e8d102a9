package runner

import (
	"fmt"
	"time"

	"github.com/knsim/knsim/sim/controlplane"
	"github.com/knsim/knsim/sim/scenario"
)

// The restartControlPlane action: kube-apiserver killed and started again
// on the same etcd while the run goes on.

// apiserverOf returns the control plane whose kube-apiserver b runs
// against, or nil on the memory plane (which has none).
func apiserverOf(b backend) *controlplane.ControlPlane {
	if t, ok := b.(timedBackend); ok {
		b = t.backend
	}
	if w, ok := b.(worldBackend); ok && w.World != nil {
		return w.ControlPlane
	}
	return nil
}

// checkControlPlaneActions refuses restartControlPlane actions on a
// control plane without a kube-apiserver, before anything runs.
func checkControlPlaneActions(sc *scenario.Scenario) error {
	if sc.Metadata.ControlPlane != scenario.Memory {
		return nil
	}
	for i, a := range sc.Actions {
		if a.RestartControlPlane != nil {
			return fmt.Errorf("actions[%d] (restartControlPlane at %s): the memory control plane has no kube-apiserver to restart; run the scenario on envtest (metadata.controlPlane: envtest, --control-plane envtest)",
				i, a.At.D())
		}
	}
	return nil
}

// restartControlPlane kills kube-apiserver at now and starts it again
// down later, in the run's time. The control plane settled before this
// instant, so no write is left unobserved when the apiserver goes; while
// it is away, failed reconciles back off in virtual time and the data
// plane serves from what it last read.
func (r *run) restartControlPlane(now time.Time, a *scenario.RestartControlPlane) error {
	cp := apiserverOf(r.b)
	if cp == nil {
		return fmt.Errorf("the %s control plane has no kube-apiserver to restart", r.sc.Metadata.ControlPlane)
	}
	if err := cp.StopAPIServer(); err != nil {
		return err
	}
	up := func(time.Time) {
		if err := cp.StartAPIServer(); err != nil && r.err == nil {
			r.err = fmt.Errorf("restartControlPlane: %w", err)
		}
	}
	if a.Down.D() <= 0 {
		up(now)
		return nil
	}
	r.eng.Schedule(now.Add(a.Down.D()), up)
	return nil
}
