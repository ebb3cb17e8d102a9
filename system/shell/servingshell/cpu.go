package servingshell

import (
	"time"

	"github.com/knsim/knsim/system/autoscaler/hpa"
)

// podCPU is one second of the ready pods' CPU use, sorted by pod name: the
// metric of the HPA class, as the simulated shell (sim/dataplane) reports
// it. The container core (system/container) integrates each pod's use.
func podCPU(now time.Time, pods []*pod) []hpa.Usage {
	out := make([]hpa.Usage, 0, len(pods))
	for _, pd := range pods {
		if milli, ok := pd.container.cpuUsage(now); ok {
			out = append(out, hpa.Usage{Pod: pd.name, Milli: milli})
		}
	}
	return out
}
