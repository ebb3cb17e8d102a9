package multiscaler

import (
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/autoscaler/hybrid"
	"github.com/knsim/knsim/system/autoscaler/keepalive"
	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/queue"
)

// knsim's own policies are registered with the registry every control
// plane uses.
func init() {
	policy.Default.MustRegister(keepalive.Class, keepalive.New)
	policy.Default.MustRegister(hybrid.Class, hybrid.New)
}

// PolicyPeriod is how often a policy-class revision decides between the
// data plane's observations: the queue-proxies' reporting period.
const PolicyPeriod = queue.ReportingPeriod

// HasPolicy reports whether revisions of class are run by a registered
// policy.Policy (see policy.Default) rather than by the KPA or the HPA.
func HasPolicy(class string) bool {
	_, ok := policy.Default.Lookup(class)
	return ok
}

// policyDecider is one revision's registered policy and what it last
// decided.
type policyDecider struct {
	params policy.Params
	pol    policy.Policy
	last   policy.Decision
}

// EnsurePolicy creates the revision's policy of class p.Class, or hands
// it changed annotations (a Policy that is no policy.Updater is replaced).
// A new policy starts from the Deployment's replicas until it decides.
func (m *Multiscaler) EnsurePolicy(key types.NamespacedName, p policy.Params, replicas int32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d != nil && (d.pol == nil || d.pol.params.Class != p.Class) {
		// The revision changed class: no state carries over.
		d.timer.Stop()
		delete(m.deciders, key)
		d = nil
	}
	if d != nil {
		pd := d.pol
		if maps.Equal(pd.params.Annotations, p.Annotations) && pd.params.Spec == p.Spec {
			return nil
		}
		if u, ok := pd.pol.(policy.Updater); ok {
			if err := u.Update(p); err != nil {
				return err
			}
		} else {
			pol, err := policy.Default.New(p)
			if err != nil {
				return err
			}
			pd.pol = pol
		}
		pd.params = p
		return nil
	}
	pol, err := policy.Default.New(p)
	if err != nil {
		return err
	}
	d = &decider{pol: &policyDecider{params: p, pol: pol}, period: PolicyPeriod}
	d.status.DesiredScale = replicas
	m.deciders[key] = d
	d.timer = m.clock.AfterFunc(d.period, func() { m.tick(key) })
	return nil
}

// PolicyDecision is a policy-class revision's latest decision.
func (m *Multiscaler) PolicyDecision(key types.NamespacedName) (policy.Decision, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil || d.pol == nil {
		return policy.Decision{}, false
	}
	return d.pol.last, true
}

// ObservesPods implements telemetry.PodMetrics: only policy-class
// revisions decide from the per-pod view.
func (m *Multiscaler) ObservesPods(key types.NamespacedName) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	return d != nil && d.pol != nil
}

// ObservePods implements telemetry.PodMetrics: the data plane's view of a
// revision's instances, every second and whenever a request has to wait
// for one. A policy-class revision decides at once, so that a waiting
// request starts its instance without waiting for the next tick; other
// revisions ignore it.
func (m *Multiscaler) ObservePods(now time.Time, key types.NamespacedName, o policy.Observation) {
	m.mu.Lock()
	d := m.deciders[key]
	if d == nil || d.pol == nil {
		m.mu.Unlock()
		return
	}
	d.pol.pol.Observe(now, o)
	changed := m.decidePolicyLocked(d, now)
	m.mu.Unlock()
	if changed {
		m.onChange(key)
	}
}

// decidePolicyLocked asks the policy for its decision at now and reports
// whether the desired scale or the pods to remove changed; m.mu is held.
func (m *Multiscaler) decidePolicyLocked(d *decider, now time.Time) bool {
	dec := d.pol.pol.Decide(now)
	changed := dec.DesiredScale != d.status.DesiredScale || !equalNames(dec.Remove, d.pol.last.Remove)
	d.pol.last = dec
	d.status.DesiredScale = dec.DesiredScale
	return changed
}

func equalNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
