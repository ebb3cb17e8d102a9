package multiscaler

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/kpa"
)

// Observation is what a revision's decider holds, read at once for
// monitoring (system/metrics exports it under Knative's autoscaler_*
// names).
type Observation struct {
	// Spec is the decider's spec (its scaling metric and target).
	Spec config.DeciderSpec
	// Status is the latest recommendation.
	Status kpa.Status
	// Last is the latest KPA decision; Valid is false for the HPA and
	// policy classes, which decide otherwise.
	Last kpa.Decision
}

// Revisions returns the revisions that have a decider, sorted, so that
// monitoring can walk them.
func (m *Multiscaler) Revisions() []types.NamespacedName {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]types.NamespacedName, 0, len(m.deciders))
	for k := range m.deciders {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b types.NamespacedName) int {
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Observe returns the revision's decider state, or false when it has none.
// It only reads: observing never changes a decision.
func (m *Multiscaler) Observe(key types.NamespacedName) (Observation, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil {
		return Observation{}, false
	}
	o := Observation{Spec: d.spec, Status: d.status}
	if d.kpa != nil {
		o.Last = d.last
	}
	return o, true
}
