package multiscaler

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/kpa"
	"github.com/knsim/knsim/system/autoscaler/metrics"
	"github.com/knsim/knsim/system/queue"
)

// Multiscaler runs one KPA decider (or HPA, see EnsureHPA, or a
// registered policy, see EnsurePolicy) per revision:
// it collects the data plane's stats, decides on every tick (2 s by
// default; 15 s for the HPA) and, when a decision changes, has the
// PodAutoscaler reconciled. Ticks are AfterFunc timers on
// the injected clock, so on the simulator's clock they are engine events.
type Multiscaler struct {
	clock    clock.WithDelayedExecution
	onChange func(types.NamespacedName)

	mu       sync.Mutex
	deciders map[types.NamespacedName]*decider
}

// decider is one revision's collector and autoscaler: the KPA's, or for
// the HPA class (cpu set, the KPA fields nil) the HPA's.
type decider struct {
	spec      config.DeciderSpec
	collector *metrics.Collector
	kpa       *kpa.Autoscaler
	cpu       *cpuDecider
	pol       *policyDecider
	status    kpa.Status
	last      kpa.Decision
	readyPods int
	period    time.Duration
	timer     clock.Timer
}

// New returns an empty Multiscaler that calls onChange (outside
// its lock) when a revision's recommendation changes; the controller passes
// a Trigger's Enqueue, the memory control plane nothing (it reconciles
// everything after every event anyway).
func New(clk clock.WithDelayedExecution, onChange func(types.NamespacedName)) *Multiscaler {
	if onChange == nil {
		onChange = func(types.NamespacedName) {}
	}
	return &Multiscaler{clock: clk, onChange: onChange, deciders: map[types.NamespacedName]*decider{}}
}

// Ensure creates the revision's decider, or updates its spec, and records
// its ready pods.
func (m *Multiscaler) Ensure(now time.Time, key types.NamespacedName, spec config.DeciderSpec, readyPods int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d := m.deciders[key]; d != nil && (d.cpu != nil || d.pol != nil) {
		// The revision changed class: the HPA's or the policy's state does
		// not carry over.
		d.timer.Stop()
		delete(m.deciders, key)
	}
	if d := m.deciders[key]; d != nil {
		d.readyPods = readyPods
		if d.spec != spec {
			if err := d.kpa.Update(spec); err != nil {
				return err
			}
			d.collector.Update(now, metrics.SpecFor(spec))
			d.spec, d.period = spec, spec.TickInterval
		}
		return nil
	}
	col := metrics.NewCollector(metrics.SpecFor(spec))
	a, err := kpa.New(spec, kpa.WithMetrics(col), kpa.StartedWith(now, readyPods))
	if err != nil {
		return err
	}
	d := &decider{spec: spec, collector: col, kpa: a, status: kpa.InitialStatus(spec), readyPods: readyPods, period: spec.TickInterval}
	m.deciders[key] = d
	d.timer = m.clock.AfterFunc(d.period, func() { m.tick(key) })
	return nil
}

// Remove stops and forgets the revision's decider.
func (m *Multiscaler) Remove(key types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d := m.deciders[key]; d != nil {
		d.timer.Stop()
		delete(m.deciders, key)
	}
}

// Status is the revision's latest recommendation.
func (m *Multiscaler) Status(key types.NamespacedName) (kpa.Status, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil {
		return kpa.Status{}, false
	}
	return d.status, true
}

// LastDecision is the revision's latest decision, for reports.
func (m *Multiscaler) LastDecision(key types.NamespacedName) (kpa.Decision, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil {
		return kpa.Decision{}, false
	}
	return d.last, true
}

func (m *Multiscaler) tick(key types.NamespacedName) {
	m.mu.Lock()
	d := m.deciders[key]
	if d == nil {
		m.mu.Unlock()
		return
	}
	var changed bool
	switch {
	case d.cpu != nil:
		changed = m.syncHPALocked(d)
	case d.pol != nil:
		changed = m.decidePolicyLocked(d, m.clock.Now())
	default:
		changed = m.decideLocked(d)
	}
	d.timer = m.clock.AfterFunc(d.period, func() { m.tick(key) })
	m.mu.Unlock()
	if changed {
		m.onChange(key)
	}
}

func (m *Multiscaler) decideLocked(d *decider) bool {
	d.last = d.kpa.Scale(m.clock.Now(), d.readyPods)
	return d.status.Apply(d.last)
}

// Report implements the data plane's metrics sink: one second of a
// revision's queue-proxy stats (aggregated as Knative's scraper does) and of
// its activator.
func (m *Multiscaler) Report(now time.Time, key types.NamespacedName, pods []queue.Stat, act queue.Stat) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.deciders[key]
	if d == nil || d.collector == nil {
		return
	}
	if d.collector.Spec().Scraped {
		samples := make([]metrics.Stat, len(pods))
		for i, s := range pods {
			samples[i] = toStat("pod", s)
		}
		if agg, ok := metrics.Aggregate(samples, len(pods)); ok {
			d.collector.Record(now, agg)
		}
	}
	if act.RequestCount > 0 || act.AverageConcurrency > 0 {
		d.collector.Record(now, toStat("activator", act))
	}
}

// Poke is the activator's report of a request for a revision at zero:
// Knative's activator sends a stat at once, and the autoscaler decides at
// once rather than at the next tick.
func (m *Multiscaler) Poke(now time.Time, key types.NamespacedName) {
	m.mu.Lock()
	d := m.deciders[key]
	if d != nil && d.pol != nil {
		changed := m.decidePolicyLocked(d, now)
		m.mu.Unlock()
		if changed {
			m.onChange(key)
		}
		return
	}
	if d == nil || d.kpa == nil {
		m.mu.Unlock()
		return
	}
	s := metrics.Stat{PodName: "activator", AverageConcurrentRequests: 1, RequestCount: 1}
	d.collector.Record(now, s)
	changed := false
	if d.status.NeedsPoke(s) || d.status.DesiredScale <= 0 {
		changed = m.decideLocked(d)
	}
	m.mu.Unlock()
	if changed {
		m.onChange(key)
	}
}

func toStat(name string, s queue.Stat) metrics.Stat {
	return metrics.Stat{
		PodName:                          name,
		AverageConcurrentRequests:        s.AverageConcurrency,
		AverageProxiedConcurrentRequests: s.AverageProxiedConcurrency,
		RequestCount:                     s.RequestCount,
		ProxiedRequestCount:              s.ProxiedRequestCount,
	}
}
