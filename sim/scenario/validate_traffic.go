package scenario

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

func (t *Traffic) validate(v *validator, path string, runFor Duration, i int, names map[string]int) {
	kinds := t.kinds()
	switch len(kinds) {
	case 0:
		v.errorf(path, "expected one generator: hey, rate or trace")
	case 1:
	default:
		v.errorf(path, "expected one generator, got %s; split them into separate traffic entries", strings.Join(kinds, " and "))
	}
	if t.Name != "" {
		if len(validation.IsDNS1123Label(t.Name)) > 0 {
			v.errorf(path+".name", "expected a DNS-1123 label (lowercase letters, digits and '-'), got %q", t.Name)
		}
		if first, dup := names[t.Name]; dup {
			v.errorf(path+".name", "%q is already the name of traffic[%d]", t.Name, first)
		} else {
			names[t.Name] = i
		}
	}
	switch {
	case t.Host == "" && t.Trace == nil && len(kinds) == 1:
		v.errorf(path+".host", "is required: the Host header that picks the route, e.g. helloworld-go.default.example.com")
	case t.Host != "" && len(validation.IsDNS1123Subdomain(t.Host)) > 0:
		v.errorf(path+".host", "expected a host name such as helloworld-go.default.example.com, got %q", t.Host)
	}
	if t.Start < 0 {
		v.errorf(path+".start", "expected a duration >= 0, got %s", got(t.Start))
	} else if runFor > 0 && t.Start >= runFor {
		v.errorf(path+".start", "starts at %s, at or after the end of the run (metadata.duration %s)", t.Start, runFor)
	}
	if t.Hey != nil {
		t.Hey.validate(v, path+".hey")
		if left := runFor - t.Start; runFor > 0 && t.Start >= 0 && t.Start < runFor && t.Hey.Z > left {
			v.errorf(path+".hey.z", "is %s, beyond the end of the run (metadata.duration %s, starting at %s); at most %s", t.Hey.Z, runFor, t.Start, left)
		}
	}
	if t.Rate != nil {
		t.Rate.validate(v, path+".rate")
	}
	if t.Trace != nil {
		t.Trace.validate(v, path+".trace", t.Host)
	}
}

func (h *Hey) validate(v *validator, path string) {
	switch {
	case h.C < 0:
		v.errorf(path+".c", "expected a positive integer, got %s", got(h.C))
	case h.C > MaxHeyC:
		v.errorf(path+".c", "is %d workers, over the limit of %d", h.C, MaxHeyC)
	}
	switch {
	case h.N < 0:
		v.errorf(path+".n", "expected a positive integer, got %s", got(h.N))
	case h.N > MaxHeyN:
		v.errorf(path+".n", "is %d requests, over the limit of %d", h.N, MaxHeyN)
	}
	if h.Z < 0 {
		v.errorf(path+".z", "expected a duration > 0, got %s", got(h.Z))
	}
	if h.Q < 0 || math.IsNaN(h.Q) || math.IsInf(h.Q, 0) {
		v.errorf(path+".q", "expected a rate >= 0 in requests per second per worker (0 = no limit), got %s", got(h.Q))
	}
	switch {
	case h.N > 0 && h.Z > 0:
		v.errorf(path+".z", "n and z exclude each other: hey sends n requests, or runs for z")
	case h.Z == 0 && h.N >= 0 && h.C >= 0:
		n, c := cmpOr(h.N, DefaultHeyN), cmpOr(h.C, DefaultHeyC)
		if n < c {
			v.errorf(path+".n", "n (%d) must be at least c (%d): every worker sends at least one request", n, c)
		}
	}
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// rateParams are the fields (YAML names) each shape takes.
var rateParams = map[Shape][]string{
	ConstantRate: {"rps"},
	Steps:        {"steps"},
	Ramp:         {"from", "to", "over"},
	Sine:         {"mean", "amplitude", "period"},
	Diurnal:      {"mean", "amplitude", "period"},
}

func (r *Rate) validate(v *validator, path string) {
	shape := cmpOr(r.Shape, ConstantRate)
	params, known := rateParams[shape]
	if !known {
		v.errorf(path+".shape", "expected one of constant, steps, ramp, sine, diurnal, got %q%s", r.Shape,
			suggestOnly(string(r.Shape), []string{"constant", "steps", "ramp", "sine", "diurnal"}))
		return
	}
	set := map[string]bool{
		"rps": r.RPS != 0, "steps": len(r.Steps) > 0, "from": r.From != 0, "to": r.To != 0, "over": r.Over != 0,
		"mean": r.Mean != 0, "amplitude": r.Amplitude != 0, "period": r.Period != 0,
	}
	for _, name := range []string{"rps", "steps", "from", "to", "over", "mean", "amplitude", "period"} {
		if set[name] && !slices.Contains(params, name) {
			v.errorf(path+"."+name, "does not apply to the %s shape (it takes %s)", shape, strings.Join(params, ", "))
		}
	}
	rate := func(name string, x float64) {
		switch {
		case x < 0 || math.IsNaN(x) || math.IsInf(x, 0):
			v.errorf(path+"."+name, "expected a rate >= 0 in requests per second, got %s", got(x))
		case x > MaxRate:
			v.errorf(path+"."+name, "is %v per second, over the limit of %d per second of one generator", x, MaxRate)
		}
	}
	switch shape {
	case ConstantRate:
		if r.RPS == 0 {
			v.errorf(path+".rps", "a constant rate needs rps > 0")
		}
		rate("rps", r.RPS)
	case Steps:
		if len(r.Steps) == 0 {
			v.errorf(path+".steps", "a steps shape needs at least one step {at, rps}")
		}
		for i, s := range r.Steps {
			spath := fmt.Sprintf("%s.steps[%d]", path, i)
			rate(fmt.Sprintf("steps[%d].rps", i), s.RPS)
			switch {
			case s.At < 0:
				v.errorf(spath+".at", "expected a duration >= 0, got %s", got(s.At))
			case i > 0 && s.At <= r.Steps[i-1].At:
				v.errorf(spath+".at", "steps must be in increasing order of at: %s comes after %s", s.At, r.Steps[i-1].At)
			}
		}
	case Ramp:
		rate("from", r.From)
		rate("to", r.To)
		if r.Over <= 0 {
			v.errorf(path+".over", "a ramp needs over, a duration > 0, got %s", got(r.Over))
		}
	case Sine, Diurnal:
		rate("mean", r.Mean)
		if r.Mean == 0 {
			v.errorf(path+".mean", "a %s shape needs mean > 0", shape)
		}
		switch {
		case r.Amplitude < 0 || math.IsNaN(r.Amplitude):
			v.errorf(path+".amplitude", "expected an amplitude >= 0, got %s", got(r.Amplitude))
		case r.Amplitude > r.Mean:
			v.errorf(path+".amplitude", "amplitude (%v) must be at most mean (%v), or the rate would go negative", r.Amplitude, r.Mean)
		case r.Mean <= MaxRate && r.Mean+r.Amplitude > MaxRate:
			v.errorf(path+".amplitude", "mean + amplitude is %v per second at the peak, over the limit of %d per second of one generator", r.Mean+r.Amplitude, MaxRate)
		}
		if r.Period < 0 || (r.Period == 0 && shape == Sine) {
			v.errorf(path+".period", "a %s shape needs period, a duration > 0, got %s", shape, got(r.Period))
		}
	}
	oneOf(v, path+".arrivals", string(r.Arrivals), "poisson", "even")
	if r.For < 0 {
		v.errorf(path+".for", "expected a duration >= 0 (0 = to the end of the run), got %s", got(r.For))
	}
}

func (t *Trace) validate(v *validator, path, host string) {
	if t.File == "" {
		v.errorf(path+".file", "is required: a CSV file in the Azure Functions 2019 format")
	}
	if len(t.Map) == 0 && host == "" {
		v.errorf(path+".map", `a trace needs map (HashFunction or "*" to a host or service) or the generator's host`)
	}
	for _, k := range sortedKeys(t.Map) {
		target := t.Map[k]
		kpath := path + ".map[" + k + "]"
		switch {
		case target == "":
			v.errorf(kpath, "expected a host or a Knative Service name")
		case strings.Contains(target, "."):
			if len(validation.IsDNS1123Subdomain(target)) > 0 {
				v.errorf(kpath, "expected a host name such as hello.default.example.com, got %q", target)
			}
		default:
			if msg := checkServiceRef(target); msg != "" {
				v.errorf(kpath, "%s", msg)
			}
		}
	}
	oneOf(v, path+".spread", string(t.Spread), "uniform", "poisson", "start")
	if t.Offset < 0 {
		v.errorf(path+".offset", "expected a duration >= 0, got %s", got(t.Offset))
	}
	if t.Speedup < 0 || math.IsNaN(t.Speedup) || math.IsInf(t.Speedup, 0) {
		v.errorf(path+".speedup", "expected a factor > 0 (default 1), got %s", got(t.Speedup))
	}
}

func (a *Action) validate(v *validator, path string, runFor Duration, nodes []string) {
	if a.At < 0 {
		v.errorf(path+".at", "expected a duration >= 0, got %s", got(a.At))
	} else if runFor > 0 && a.At > runFor {
		v.errorf(path+".at", "is %s, after the end of the run (metadata.duration %s)", a.At, runFor)
	}
	switch kinds := a.kinds(); len(kinds) {
	case 0:
		v.errorf(path, "expected one of %s", strings.Join(actionKinds, ", "))
	case 1:
	default:
		v.errorf(path, "expected one operation, got %s; split them into separate actions", strings.Join(kinds, " and "))
	}
	service := func(p, ref string) {
		if msg := checkServiceRef(ref); msg != "" {
			v.errorf(p, "%s", msg)
		}
	}
	forDur := func(p string, d Duration) {
		if d < 0 {
			v.errorf(p, "expected a duration >= 0 (0 = to the end of the run), got %s", got(d))
		}
	}
	switch {
	case a.Apply != nil:
		a.Apply.validate(v, path+".apply")
	case a.PatchTraffic != nil:
		p := a.PatchTraffic
		service(path+".patchTraffic.service", p.Service)
		validateTraffic(v, path+".patchTraffic.traffic", p)
	case a.DeletePod != nil:
		p := a.DeletePod
		switch {
		case p.Service == "" && p.Pod == "":
			v.errorf(path+".deletePod", "expected service (delete count of its pods) or pod (delete one pod by name)")
		case p.Service != "" && p.Pod != "":
			v.errorf(path+".deletePod", "expected service or pod, not both")
		case p.Service != "":
			service(path+".deletePod.service", p.Service)
		default:
			ns, name, _ := strings.Cut(p.Pod, "/")
			if !strings.Contains(p.Pod, "/") {
				name = ns
			}
			if len(validation.IsDNS1123Subdomain(name)) > 0 {
				v.errorf(path+".deletePod.pod", "expected a pod name or namespace/name, got %q", p.Pod)
			}
		}
		if p.Count < 0 {
			v.errorf(path+".deletePod.count", "expected a positive integer, got %s", got(p.Count))
		} else if p.Count > 1 && p.Pod != "" {
			v.errorf(path+".deletePod.count", "count applies to service; a pod name deletes one pod")
		}
	case a.CordonNode != nil:
		checkNode(v, path+".cordonNode.node", a.CordonNode.Node, nodes)
	case a.KillNode != nil:
		checkNode(v, path+".killNode.node", a.KillNode.Node, nodes)
	case a.FailWorkload != nil:
		f := a.FailWorkload
		service(path+".failWorkload.service", f.Service)
		forDur(path+".failWorkload.for", f.For)
		if f.ErrorRate < 0 || f.ErrorRate > 1 || math.IsNaN(f.ErrorRate) {
			v.errorf(path+".failWorkload.errorRate", "expected a fraction in (0, 1] (default 1), got %s", got(f.ErrorRate))
		}
		if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
			v.errorf(path+".failWorkload.status", "expected an HTTP error status from 400 to 599 (default 500), got %s", got(f.Status))
		}
	case a.SlowWorkload != nil:
		s := a.SlowWorkload
		service(path+".slowWorkload.service", s.Service)
		forDur(path+".slowWorkload.for", s.For)
		if !(s.Factor > 0) || math.IsInf(s.Factor, 0) {
			v.errorf(path+".slowWorkload.factor", "expected a factor > 0 that multiplies service times, got %s", got(s.Factor))
		}
	case a.RestartDispatcher != nil:
		a.RestartDispatcher.validate(v, path+".restartDispatcher")
	case a.RestartControlPlane != nil:
		a.RestartControlPlane.validate(v, path+".restartControlPlane", a.At, runFor)
	}
}

// validateTraffic checks the targets a patchTraffic sets.
func validateTraffic(v *validator, path string, p *PatchTraffic) {
	if len(p.Traffic) == 0 {
		v.errorf(path, "expected at least one traffic target")
		return
	}
	sum := int64(0)
	for i, t := range p.Traffic {
		tpath := fmt.Sprintf("%s[%d]", path, i)
		if t.URL != "" {
			v.errorf(tpath+".url", "is set by Knative in status; leave it out")
		}
		if t.ConfigurationName != "" {
			v.errorf(tpath+".configurationName", "is not allowed in a Service's traffic; use latestRevision: true")
		}
		if t.RevisionName != "" && t.LatestRevision != nil && *t.LatestRevision {
			v.errorf(tpath+".latestRevision", "must not be true when revisionName is set")
		}
		if t.Percent != nil {
			if *t.Percent < 0 || *t.Percent > 100 {
				v.errorf(tpath+".percent", "expected a percentage from 0 to 100, got %s", got(*t.Percent))
			}
			sum += *t.Percent
		}
	}
	if sum != 100 {
		v.errorf(path, "percents must add up to 100, got %d", sum)
	}
}

func checkNode(v *validator, path, node string, nodes []string) {
	switch {
	case node == "":
		v.errorf(path, "is required: a node name such as %s", nodes[0])
	case !slices.Contains(nodes, node):
		v.errorf(path, "no node %q in the cluster (nodes: %s)", node, summarize(nodes))
	}
}

// summarize lists names, eliding the middle of long lists.
func summarize(names []string) string {
	if len(names) <= 6 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:3], ", ") + ", ..., " + strings.Join(names[len(names)-2:], ", ")
}

// nodeNames lists the nodes the pools make, defaults applied.
func nodeNames(pools []NodePool) []string {
	if len(pools) == 0 {
		pools = []NodePool{DefaultNodePool()}
	}
	var out []string
	for i, p := range pools {
		name := p.Name
		if name == "" && i == 0 {
			name = DefaultPoolName
		}
		for k := 1; k <= p.Count && k <= 10000; k++ {
			out = append(out, fmt.Sprintf("%s-%d", name, k))
		}
	}
	if len(out) == 0 {
		out = []string{DefaultPoolName + "-1"}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
