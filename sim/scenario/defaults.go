package scenario

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
)

// Defaults that Default fills in. The cluster ones match knsim up's.
const (
	// DefaultSeed seeds a scenario that sets none.
	DefaultSeed = 1
	// DefaultPoolName names the first node pool when it has no name.
	DefaultPoolName = "knsim-worker"
	// DefaultNodes is the size of the pool a scenario without nodes gets.
	DefaultNodes = 3
	// DefaultMaxPods is a node's pod capacity when its pool sets no
	// maxPods, as the kubelet's --max-pods. Default leaves maxPods unset
	// (0), which the cluster emulation reads as this.
	DefaultMaxPods = 110
	// DefaultServiceTime is a workload's service time when none is given.
	DefaultServiceTime = 100 * time.Millisecond
	// DefaultFailStatus is the status failWorkload answers with.
	DefaultFailStatus = 500
	// DefaultDiurnalPeriod is a diurnal rate's period.
	DefaultDiurnalPeriod = 24 * time.Hour
)

// DefaultNodePool is the pool a scenario without nodes gets: three nodes of
// 8 CPU and 32Gi named knsim-worker-1 to knsim-worker-3.
func DefaultNodePool() NodePool {
	return NodePool{Name: DefaultPoolName, Count: DefaultNodes,
		CPU: resource.MustParse("8"), Memory: resource.MustParse("32Gi")}
}

// DefaultPodStages are the pod lifecycle durations a scenario gets for the
// stages it leaves out.
func DefaultPodStages() PodStages {
	return PodStages{
		ImagePull:       distribution.ConstantDuration(500 * time.Millisecond),
		CachedImagePull: distribution.ConstantDuration(0),
		ContainerStart:  distribution.ConstantDuration(300 * time.Millisecond),
		Readiness:       distribution.ConstantDuration(200 * time.Millisecond),
		Drain:           distribution.ConstantDuration(time.Second),
	}
}

// DefaultWorkload is the workload of a Knative Service that Workloads does
// not list, and the base that fills a listed one's unset fields.
func DefaultWorkload() Workload {
	return Workload{ServiceTime: distribution.ConstantDuration(DefaultServiceTime), ColdStartExtra: distribution.ConstantDuration(0)}
}

// Workload returns the workload of a Knative Service ("name" or
// "namespace/name"), or DefaultWorkload when none is listed.
func (s *Scenario) Workload(service string) Workload {
	ns, name := SplitService(service)
	for key, w := range s.Workloads {
		if kns, kname := SplitService(key); kns == ns && kname == name {
			return w
		}
	}
	return DefaultWorkload()
}

// Default fills in every default, so the scenario says exactly what runs:
// the seed, mode and control plane; the node pools and pod stages; workload
// service times; generator names and hey, rate and trace settings; action
// settings. Load and Parse call it after validation.
func (s *Scenario) Default() {
	m := &s.Metadata
	m.Seed = cmpOr(m.Seed, DefaultSeed)
	m.Mode = cmpOr(m.Mode, Virtual)
	m.ControlPlane = cmpOr(m.ControlPlane, Envtest)

	c := &s.Cluster
	if len(c.Nodes) == 0 {
		c.Nodes = []NodePool{DefaultNodePool()}
	}
	def := DefaultNodePool()
	for i := range c.Nodes {
		p := &c.Nodes[i]
		if p.Name == "" && i == 0 {
			p.Name = DefaultPoolName
		}
		if p.CPU.IsZero() {
			p.CPU = def.CPU.DeepCopy()
		}
		if p.Memory.IsZero() {
			p.Memory = def.Memory.DeepCopy()
		}
	}
	c.Scheduling = cmpOr(c.Scheduling, Spread)
	stages := DefaultPodStages()
	defaultDist(&c.Pods.ImagePull, stages.ImagePull)
	defaultDist(&c.Pods.CachedImagePull, stages.CachedImagePull)
	defaultDist(&c.Pods.ContainerStart, stages.ContainerStart)
	defaultDist(&c.Pods.Readiness, stages.Readiness)
	defaultDist(&c.Pods.Drain, stages.Drain)

	w0 := DefaultWorkload()
	for k, w := range s.Workloads {
		defaultDist(&w.ServiceTime, w0.ServiceTime)
		defaultDist(&w.ColdStartExtra, w0.ColdStartExtra)
		s.Workloads[k] = w
	}

	for i := range s.Traffic {
		t := &s.Traffic[i]
		if t.Name == "" {
			t.Name = fmt.Sprintf("%s-%d", t.Kind(), i)
		}
		if h := t.Hey; h != nil {
			if h.Z == 0 {
				h.N = cmpOr(h.N, DefaultHeyN)
			}
			h.C = cmpOr(h.C, DefaultHeyC)
		}
		if r := t.Rate; r != nil {
			r.Shape = cmpOr(r.Shape, ConstantRate)
			r.Arrivals = cmpOr(r.Arrivals, Poisson)
			if r.Shape == Diurnal {
				r.Period = cmpOr(r.Period, Duration(DefaultDiurnalPeriod))
			}
		}
		if tr := t.Trace; tr != nil {
			tr.Spread = cmpOr(tr.Spread, SpreadPoisson)
			tr.Speedup = cmpOr(tr.Speedup, 1)
		}
	}

	s.defaultEvents() // events and subscribers (validate_events.go)

	for i := range s.Actions {
		a := &s.Actions[i]
		if p := a.DeletePod; p != nil && p.Service != "" {
			p.Count = cmpOr(p.Count, 1)
		}
		if f := a.FailWorkload; f != nil {
			f.ErrorRate = cmpOr(f.ErrorRate, 1)
			f.Status = cmpOr(f.Status, DefaultFailStatus)
		}
	}
}

func defaultDist(d *distribution.Distribution, def distribution.Distribution) {
	if d.IsZero() {
		*d = def
	}
}
