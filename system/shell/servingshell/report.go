package servingshell

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// reportingPeriod is how often stats go to the autoscaler.
const reportingPeriod = queue.ReportingPeriod

// report sends one second of every revision's stats: each ready or
// draining pod's queue-proxy, and the activator's. With OnSecond it also
// hands on every revision's load, computed by telemetry.RevisionLoad as
// the simulated shell computes it, so that virtual and real runs are
// recorded alike.
func (sh *Shell) report(now time.Time) {
	type batch struct {
		rev       *revision
		pods      []*pod
		readyPods []*pod
		service   string
		ready     int
		proxy     bool
	}
	sh.mu.RLock()
	byKey := make(map[types.NamespacedName]*batch, len(sh.revs))
	keys := make([]types.NamespacedName, 0, len(sh.revs))
	for k, rev := range sh.revs {
		byKey[k] = &batch{rev: rev, pods: slices.Clone(rev.ready), readyPods: slices.Clone(rev.ready), service: rev.service, ready: len(rev.ready), proxy: rev.proxy}
		keys = append(keys, k)
	}
	for pd, k := range sh.draining {
		if b := byKey[k]; b != nil {
			b.pods = append(b.pods, pd)
		}
	}
	sh.mu.RUnlock()
	slices.SortFunc(keys, topology.CompareKeys)
	var load []telemetry.RevisionSecond
	for _, k := range keys {
		b := byKey[k]
		stats := make([]queue.Stat, len(b.pods))
		for i, pd := range b.pods {
			stats[i] = pd.qp.Report()
		}
		act := b.rev.actReport(now)
		if sh.cfg.Metrics != nil {
			sh.cfg.Metrics.Report(now, k, stats, act)
		}
		slices.SortFunc(b.readyPods, func(a, b *pod) int { return strings.Compare(a.name, b.name) })
		if cm, ok := sh.cfg.Metrics.(telemetry.CPUMetrics); ok {
			// Terminating pods are not measured, as the metrics server
			// skips them.
			cm.ReportCPU(now, k, podCPU(now, b.readyPods))
		}
		if pm, ok := sh.cfg.Metrics.(telemetry.PodMetrics); ok && pm.ObservesPods(k) {
			pm.ObservePods(now, k, b.rev.observe(b.readyPods, b.pods))
		}
		load = append(load, telemetry.RevisionLoad(k, b.service, stats, act, b.ready, b.proxy))
	}
	if sh.cfg.OnSecond != nil {
		sh.cfg.OnSecond(now, load)
	}
}
