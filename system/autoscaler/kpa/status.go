package kpa

import (
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/metrics"
)

// Status is the latest recommendation of a decider, what the PodAutoscaler
// reconciler reads (Knative's DeciderStatus).
type Status struct {
	// DesiredScale is the latest valid desired pod count; -1 until the
	// first valid decision.
	DesiredScale int32
	// ExcessBurstCapacity is the latest excess burst capacity.
	ExcessBurstCapacity int32
}

// InitialStatus is the status of a new decider: no desired scale yet (-1),
// and the excess burst capacity of the initial scale: TBC itself when it is
// 0 or -1, else int32(initialScale*total - TBC), so a TBC above the initial
// pods' capacity starts with the activator in the path (Knative's
// MultiScaler does the same when it creates a decider).
func InitialStatus(s config.DeciderSpec) Status {
	st := Status{DesiredScale: -1}
	switch tbc := s.TargetBurstCapacity; tbc {
	case -1, 0:
		st.ExcessBurstCapacity = int32(tbc)
	default:
		st.ExcessBurstCapacity = int32(float64(s.InitialScale)*s.TotalValue - tbc)
	}
	return st
}

// Apply records a decision. Invalid decisions change nothing. changed
// reports whether the reconciler must be told: the desired scale changed or
// the excess burst capacity changed sign.
func (st *Status) Apply(d Decision) (changed bool) {
	if !d.Valid {
		return false
	}
	changed = st.DesiredScale != d.DesiredPodCount ||
		(st.ExcessBurstCapacity < 0) != (d.ExcessBurstCapacity < 0)
	st.DesiredScale = d.DesiredPodCount
	st.ExcessBurstCapacity = d.ExcessBurstCapacity
	return changed
}

// NeedsPoke reports whether a stat pushed to the autoscaler (by an
// activator) should trigger an immediate decision outside the tick: the
// revision is at zero and the stat shows traffic.
func (st Status) NeedsPoke(s metrics.Stat) bool {
	return st.DesiredScale == 0 && s.AverageConcurrentRequests != 0
}
