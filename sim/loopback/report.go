package loopback

import (
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/queue"
)

// reportingPeriod is how often stats go to the autoscaler.
const reportingPeriod = queue.ReportingPeriod

// report sends one second of every revision's stats: each ready or
// draining pod's queue-proxy, and the activator's.
func (p *Plane) report(now time.Time) {
	type batch struct {
		rev  *revision
		pods []*pod
	}
	p.mu.RLock()
	byKey := make(map[types.NamespacedName]*batch, len(p.revs))
	keys := make([]types.NamespacedName, 0, len(p.revs))
	for k, rev := range p.revs {
		byKey[k] = &batch{rev: rev, pods: slices.Clone(rev.ready)}
		keys = append(keys, k)
	}
	for pd, k := range p.draining {
		if b := byKey[k]; b != nil {
			b.pods = append(b.pods, pd)
		}
	}
	p.mu.RUnlock()
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		b := byKey[k]
		stats := make([]queue.Stat, len(b.pods))
		for i, pd := range b.pods {
			stats[i] = pd.qp.Report()
		}
		p.cfg.Metrics.Report(now, k, stats, b.rev.actReport(now))
	}
}
