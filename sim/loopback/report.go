package loopback

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/system/queue"
)

// reportingPeriod is how often stats go to the autoscaler.
const reportingPeriod = queue.ReportingPeriod

// report sends one second of every revision's stats: each ready or
// draining pod's queue-proxy, and the activator's. With OnSecond it also
// hands on every revision's load, computed as the simulated data plane
// computes it so that virtual and real runs are recorded alike.
func (p *Plane) report(now time.Time) {
	type batch struct {
		rev       *revision
		pods      []*pod
		readyPods []*pod
		service   string
		ready     int
		proxy     bool
	}
	p.mu.RLock()
	byKey := make(map[types.NamespacedName]*batch, len(p.revs))
	keys := make([]types.NamespacedName, 0, len(p.revs))
	for k, rev := range p.revs {
		byKey[k] = &batch{rev: rev, pods: slices.Clone(rev.ready), readyPods: slices.Clone(rev.ready), service: rev.service, ready: len(rev.ready), proxy: rev.proxy}
		keys = append(keys, k)
	}
	for pd, k := range p.draining {
		if b := byKey[k]; b != nil {
			b.pods = append(b.pods, pd)
		}
	}
	p.mu.RUnlock()
	slices.SortFunc(keys, compareKeys)
	var load []dataplane.RevisionSecond
	for _, k := range keys {
		b := byKey[k]
		stats := make([]queue.Stat, len(b.pods))
		l := dataplane.RevisionSecond{Revision: k, Service: b.service, ActivatorInPath: b.proxy || b.ready == 0, ReadyPods: b.ready}
		proxied := 0.0
		for i, pd := range b.pods {
			stats[i] = pd.qp.Report()
			l.Concurrency += stats[i].AverageConcurrency
			l.RPS += stats[i].RequestCount
			proxied += stats[i].AverageProxiedConcurrency
		}
		act := b.rev.actReport(now)
		if p.cfg.Metrics != nil {
			p.cfg.Metrics.Report(now, k, stats, act)
		}
		if cm, ok := p.cfg.Metrics.(dataplane.CPUMetrics); ok {
			// Terminating pods are not measured, as the metrics server
			// skips them.
			slices.SortFunc(b.readyPods, func(a, b *pod) int { return strings.Compare(a.name, b.name) })
			cm.ReportCPU(now, k, podCPU(now, b.readyPods))
		}
		// The activator also counts requests the pods already see as
		// proxied; only the rest (waiting or on the wire) is extra load.
		l.Concurrency += max(0, act.AverageConcurrency-proxied)
		if b.ready == 0 {
			l.RPS += act.RequestCount
		}
		load = append(load, l)
	}
	if p.cfg.OnSecond != nil {
		p.cfg.OnSecond(now, load)
	}
}
