package runner

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/traffic"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/network"
)

// sampler draws from d; unset, it is nil so the data plane's default
// applies.
func sampler(d distribution.Distribution) container.Sampler {
	if d.IsZero() {
		return nil
	}
	return d.Sample
}

// clusterConfig turns the scenario's cluster section into the emulation's.
func clusterConfig(sc *scenario.Scenario) cluster.Config {
	cfg := cluster.Config{
		Seed:            sc.Metadata.Seed,
		ImagePull:       sc.Cluster.Pods.ImagePull,
		CachedImagePull: sc.Cluster.Pods.CachedImagePull,
		ContainerStart:  sc.Cluster.Pods.ContainerStart,
		Readiness:       sc.Cluster.Pods.Readiness,
		Policy:          cluster.Spread,
	}
	if sc.Cluster.Scheduling == scenario.BinPack {
		cfg.Policy = cluster.BinPack
	}
	if !sc.Cluster.Pods.Drain.IsZero() {
		// The drain is a duration in the emulation; a distribution's mean stands for it.
		d := sc.Cluster.Pods.Drain.Sample(rand.New(rand.NewPCG(sc.Metadata.Seed, 0)))
		cfg.Drain = &d
	}
	for _, p := range sc.Cluster.Nodes {
		cfg.NodePools = append(cfg.NodePools, cluster.NodePool{Name: p.Name, Count: p.Count, CPU: p.CPU, Memory: p.Memory, Labels: p.Labels, MaxPods: p.MaxPods})
	}
	return cfg
}

// workloads turns the scenario's workload models into the data plane's.
func workloads(sc *scenario.Scenario) (map[string]container.Workload, container.Workload) {
	out := map[string]container.Workload{}
	for key, w := range sc.Workloads {
		ns, name := scenario.SplitService(key)
		out[ns+"/"+name] = workload(w)
	}
	return out, workload(scenario.DefaultWorkload())
}

func workload(w scenario.Workload) container.Workload {
	return container.Workload{ServiceTime: sampler(w.ServiceTime), ColdStartExtra: sampler(w.ColdStartExtra), MaxInFlight: w.MaxInFlight,
		CPUPerRequestMilli: float64(w.CPUPerRequest.MilliValue())}
}

// generator turns one traffic entry into a load generator.
func generator(sc *scenario.Scenario, i int, t scenario.Traffic, eng *engine.Engine) ([]traffic.Generator, error) {
	end := sc.Metadata.Duration.D() - t.Start.D()
	stream := eng.Rand(fmt.Sprintf("traffic/%d/%s", i, t.Name))
	switch {
	case t.Hey != nil:
		return []traffic.Generator{traffic.Hey{Host: t.Host, N: t.Hey.N, C: t.Hey.C, Z: t.Hey.Z.D(), Q: t.Hey.Q}}, nil
	case t.Rate != nil:
		r := t.Rate
		dur := end
		if !r.For.IsZero() && r.For.D() < dur {
			dur = r.For.D()
		}
		arr := traffic.Poisson
		if r.Arrivals == scenario.Even {
			arr = traffic.Even
		}
		return []traffic.Generator{traffic.Rate{Host: t.Host, Shape: rateShape{r}, Arrivals: arr, Duration: dur, Rand: stream}}, nil
	case t.Trace != nil:
		return traceGenerators(sc, t, stream)
	}
	return nil, fmt.Errorf("traffic[%d]: no generator", i)
}

// rateShape adapts the scenario's rate curve (one implementation of the
// shapes, shared with its validation) to the generator.
type rateShape struct{ r *scenario.Rate }

func (s rateShape) RPS(t time.Duration) float64 { return s.r.RPSAt(t) }

func (s rateShape) Max() float64 {
	m := 0.0
	switch s.r.Shape {
	case scenario.Steps:
		for _, st := range s.r.Steps {
			m = max(m, st.RPS)
		}
	case scenario.Ramp:
		m = max(s.r.From, s.r.To)
	case scenario.Sine, scenario.Diurnal:
		m = s.r.Mean + abs(s.r.Amplitude)
	default:
		m = s.r.RPS
	}
	return m
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// traceGenerators replays every mapped function of an Azure trace.
func traceGenerators(sc *scenario.Scenario, t scenario.Traffic, stream *rand.Rand) ([]traffic.Generator, error) {
	tr := t.Trace
	if !tr.Offset.IsZero() || (tr.Speedup != 0 && tr.Speedup != 1) {
		return nil, fmt.Errorf("trace %s: offset and speedup are not supported by the replayer yet", tr.File)
	}
	f, err := sc.OpenFile(tr.File, scenario.MaxTraceBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fns, err := traffic.ParseAzureTrace(tr.File, f)
	if err != nil {
		return nil, err
	}
	spread := traffic.Spread(tr.Spread)
	if spread == "" {
		spread = traffic.SpreadUniform
	}
	minutes := int((sc.Metadata.Duration.D() - t.Start.D() + time.Minute - 1) / time.Minute)
	var out []traffic.Generator
	for _, fn := range fns {
		target, ok := t.TraceTarget(fn.Function)
		if !ok {
			continue
		}
		out = append(out, traffic.Trace{Host: hostFor(target), Function: fn, Spread: spread, Minutes: minutes, Rand: stream})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("trace %s: no function is mapped to a service", tr.File)
	}
	return out, nil
}

// hostFor turns a trace mapping's target into a Host header: a value with a
// dot is a host already; "name" or "namespace/name" names a Service on the
// default domain.
func hostFor(target string) string {
	if strings.Contains(target, ".") {
		return target
	}
	ns, name := scenario.SplitService(target)
	return network.DomainHost(name, ns, network.DefaultDomain)
}
