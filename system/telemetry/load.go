package telemetry

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/system/queue"
)

// RevisionLoad is a revision's load over the last second, from the stats
// its pods' queue-proxies (ready and draining, in a stable order) and the
// activator reported for it, readyPods ready pods, and whether its
// ServerlessService is in Proxy mode.
//
// Concurrency is the pods' average concurrency plus what the activator holds
// beyond it: the activator also counts the requests it proxied, which the
// pods already see (as proxied concurrency), so only the rest, waiting or
// on the wire, is extra load. RPS is the pods' request count, plus the
// activator's while no pod is ready (its requests reach no pod yet). The
// sums run in pods' order, so both shells get the same floating-point
// result from the same stats.
func RevisionLoad(rev types.NamespacedName, service string, pods []queue.Stat, activator queue.Stat, readyPods int, proxy bool) RevisionSecond {
	load := RevisionSecond{Revision: rev, Service: service, ActivatorInPath: proxy || readyPods == 0, ReadyPods: readyPods}
	proxied := 0.0
	for _, s := range pods {
		load.Concurrency += s.AverageConcurrency
		load.RPS += s.RequestCount
		proxied += s.AverageProxiedConcurrency
	}
	load.Concurrency += max(0, activator.AverageConcurrency-proxied)
	if readyPods == 0 {
		load.RPS += activator.RequestCount
	}
	return load
}
