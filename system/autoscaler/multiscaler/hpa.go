package multiscaler

import (
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/autoscaler/hpa"
)

// HPAPods is what the reconciler knows of an HPA-class revision's pods.
type HPAPods struct {
	// Replicas is the Deployment's spec.replicas: the HPA's current
	// replica count.
	Replicas int32
	// NotReady counts the revision's pods that exist but are not ready;
	// when scaling up the HPA counts them at zero use.
	NotReady int32
	// RequestMilli is each pod's CPU request in millicores.
	RequestMilli float64
}

// cpuDecider is one HPA-class revision's HPA controller and the CPU
// samples the metrics server holds for its ready pods since the last sync.
type cpuDecider struct {
	spec    hpa.Spec
	hpa     *hpa.Autoscaler
	pods    HPAPods
	samples map[string]*cpuSamples
	last    hpa.Decision
}

// cpuSamples sums one pod's per-second CPU use.
type cpuSamples struct {
	milli float64
	n     int
}

// EnsureHPA creates the HPA-class revision's decider, or updates its spec
// and pods. A new decider starts from the Deployment's replicas within the
// spec's bounds and syncs every hpa.DefaultSyncPeriod, as the Kubernetes
// HPA controller does.
func (m *Multiscaler) EnsureHPA(key types.NamespacedName, spec hpa.Spec, pods HPAPods) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d != nil && d.cpu == nil {
		// The revision changed class: the KPA's or the policy's state does
		// not carry over.
		d.timer.Stop()
		delete(m.deciders, key)
		d = nil
	}
	if d != nil {
		c := d.cpu
		c.pods = pods
		if c.spec != spec {
			if err := c.hpa.Update(spec); err != nil {
				return err
			}
			c.spec = spec
		}
		return nil
	}
	a, err := hpa.New(spec)
	if err != nil {
		return err
	}
	start := min(max(pods.Replicas, spec.MinReplicas), spec.MaxReplicas)
	a.StartedWith(m.clock.Now(), start)
	d = &decider{
		cpu:    &cpuDecider{spec: spec, hpa: a, pods: pods, samples: map[string]*cpuSamples{}},
		period: hpa.DefaultSyncPeriod,
	}
	d.status.DesiredScale = start
	m.deciders[key] = d
	d.timer = m.clock.AfterFunc(d.period, func() { m.tick(key) })
	return nil
}

// LastHPADecision is an HPA-class revision's latest sync, for reports and
// tests.
func (m *Multiscaler) LastHPADecision(key types.NamespacedName) (hpa.Decision, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil || d.cpu == nil {
		return hpa.Decision{}, false
	}
	return d.cpu.last, true
}

// ReportCPU implements the data plane's CPU sink: one second of the ready
// pods' CPU use. Samples of pods that are no longer reported are dropped,
// as the metrics server lists only the pods that exist.
func (m *Multiscaler) ReportCPU(_ time.Time, key types.NamespacedName, pods []hpa.Usage) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil || d.cpu == nil {
		return
	}
	seen := make(map[string]bool, len(pods))
	for _, p := range pods {
		seen[p.Pod] = true
		s := d.cpu.samples[p.Pod]
		if s == nil {
			s = &cpuSamples{}
			d.cpu.samples[p.Pod] = s
		}
		s.milli += p.Milli
		s.n++
	}
	for name := range d.cpu.samples {
		if !seen[name] {
			delete(d.cpu.samples, name)
		}
	}
}

// syncHPALocked runs one HPA sync over the mean CPU use of each ready pod
// since the last sync, then starts a new window; m.mu is held.
func (m *Multiscaler) syncHPALocked(d *decider) bool {
	c := d.cpu
	names := make([]string, 0, len(c.samples))
	for n := range c.samples {
		names = append(names, n)
	}
	slices.Sort(names)
	pods := make([]hpa.Pod, 0, len(names)+int(c.pods.NotReady))
	for _, n := range names {
		s := c.samples[n]
		pods = append(pods, hpa.Pod{Ready: true, HasMetrics: true, UsageMilli: s.milli / float64(s.n), RequestMilli: c.pods.RequestMilli})
	}
	for range c.pods.NotReady {
		pods = append(pods, hpa.Pod{})
	}
	c.samples = map[string]*cpuSamples{}
	c.last = c.hpa.Scale(m.clock.Now(), c.pods.Replicas, pods)
	if !c.last.Valid || c.last.DesiredReplicas == d.status.DesiredScale {
		return false
	}
	d.status.DesiredScale = c.last.DesiredReplicas
	return true
}
