package loopback

import (
	"time"

	"github.com/knsim/knsim/system/autoscaler/hpa"
)

// CPU accounting, as in the simulated data plane (sim/dataplane): a
// request uses Workload.CPUPerRequestMilli while the container works on it
// (not while it waits for a slot), and a pod's use is integrated over time
// and reported each second, the metric of the HPA class.

// working adds delta to the requests the container works on, integrating
// the CPU they used up to now first.
func (c *Container) working(delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accountLocked(c.clock.Now())
	c.inWork += delta
}

func (c *Container) accountLocked(now time.Time) {
	if d := now.Sub(c.cpuSince); d > 0 {
		c.cpuMilliSeconds += float64(c.inWork) * c.work.CPUPerRequestMilli * d.Seconds()
	}
	c.cpuSince = now
}

// cpuUsage closes the container's CPU window at now and returns its
// average use over it in millicores; false for a window of no length.
func (c *Container) cpuUsage(now time.Time) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accountLocked(now)
	used, window := c.cpuMilliSeconds, now.Sub(c.cpuWindow)
	c.cpuMilliSeconds, c.cpuWindow = 0, now
	if window <= 0 {
		return 0, false
	}
	return used / window.Seconds(), true
}

// podCPU is one second of the ready pods' CPU use, sorted by pod name.
func podCPU(now time.Time, pods []*pod) []hpa.Usage {
	out := make([]hpa.Usage, 0, len(pods))
	for _, pd := range pods {
		if milli, ok := pd.container.cpuUsage(now); ok {
			out = append(out, hpa.Usage{Pod: pd.name, Milli: milli})
		}
	}
	return out
}
