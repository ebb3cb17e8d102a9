package scenario

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/knsim/knsim/sim/expect"
)

// validator collects problems by field path.
type validator struct {
	file string
	errs ErrorList
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// got quotes a value for "got ..." in messages.
func got(x any) string { return fmt.Sprintf("%q", fmt.Sprint(x)) }

// Validate checks a scenario, whether loaded or built in code, and returns
// an ErrorList naming each problem's field path, or nil. It reads no files:
// Resolve does that. Zero values stand for defaults, so Validate accepts a
// scenario before and after Default.
func (s *Scenario) Validate() error { return s.validate().err() }

func (s *Scenario) validate() ErrorList {
	v := &validator{file: s.File}
	s.Metadata.validate(v, s.Limits)
	s.Cluster.validate(v)
	canonical := map[string]string{}
	for _, name := range sortedKeys(s.Workloads) {
		path := "workloads[" + name + "]"
		if msg := checkServiceRef(name); msg != "" {
			v.errorf(path, "%s", msg)
		}
		ns, n := SplitService(name)
		if other, dup := canonical[ns+"/"+n]; dup {
			v.errorf(path, "names the same Knative Service as workloads[%s]", other)
		}
		canonical[ns+"/"+n] = name
		s.Workloads[name].validate(v, path)
	}
	for i, m := range s.Manifests {
		m.validate(v, fmt.Sprintf("manifests[%d]", i))
	}
	names := map[string]int{}
	for i := range s.Traffic {
		s.Traffic[i].validate(v, fmt.Sprintf("traffic[%d]", i), s.Metadata.Duration, i, names)
	}
	s.validateEvents(v) // events and subscribers (validate_events.go)
	nodes := nodeNames(s.Cluster.Nodes)
	for i := range s.Actions {
		s.Actions[i].validate(v, fmt.Sprintf("actions[%d]", i), s.Metadata.Duration, nodes)
	}
	s.Prices.validate(v)
	for i, src := range s.Expect {
		validateExpectation(v, fmt.Sprintf("expect[%d]", i), src, s.Metadata.Duration)
	}
	return v.errs
}

func (m *Metadata) validate(v *validator, l Limits) {
	switch {
	case m.Name == "":
		v.errorf("metadata.name", "is required: a DNS-1123 label such as burst-scale-up")
	case len(validation.IsDNS1123Label(m.Name)) > 0:
		v.errorf("metadata.name", "expected a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got %q", m.Name)
	}
	switch {
	case m.Duration == 0:
		v.errorf("metadata.duration", `is required: how long the run lasts, e.g. "90s"`)
	case m.Duration < 0:
		v.errorf("metadata.duration", "expected a duration > 0, got %s", got(m.Duration))
	case m.Duration > l.maxDuration():
		v.errorf("metadata.duration", "is %s, over the limit of %s of virtual time (%s); knsim run --max-duration raises it", m.Duration, l.maxDuration(), days(l.maxDuration()))
	}
	seen := map[string]bool{}
	for i, l := range m.Labels {
		path := fmt.Sprintf("metadata.labels[%d]", i)
		if msg := checkLabel(l); msg != "" {
			v.errorf(path, "%s, got %q", msg, l)
		} else if seen[l] {
			v.errorf(path, "label %q is listed twice", l)
		}
		seen[l] = true
	}
	oneOf(v, "metadata.mode", string(m.Mode), "virtual", "real")
	oneOf(v, "metadata.controlPlane", string(m.ControlPlane), "envtest", "memory")
	if m.ControlPlane == Memory && m.Mode == Real {
		v.errorf("metadata.controlPlane", "the memory control plane runs only in virtual mode")
	}
}

// checkLabel applies Ginkgo's rules for labels.
func checkLabel(l string) string {
	t := strings.TrimSpace(l)
	switch {
	case t == "":
		return "expected a non-empty Ginkgo label"
	case t != l:
		return "expected a Ginkgo label without leading or trailing spaces"
	case strings.ContainsAny(t, "&|!,()/"):
		return "expected a Ginkgo label without any of & | ! , ( ) /"
	case t[0] == ':' || strings.HasSuffix(t, ":"):
		return "expected a Ginkgo label with text on both sides of ':'"
	}
	return ""
}

// oneOf checks an optional enumerated field.
func oneOf(v *validator, path, value string, allowed ...string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.errorf(path, "expected one of %s, got %q%s", strings.Join(allowed, ", "), value, suggestOnly(value, allowed))
}

// suggestOnly is didYouMean without the list of candidates.
func suggestOnly(s string, candidates []string) string {
	if best := suggest(s, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func (c *Cluster) validate(v *validator) {
	seen := map[string]bool{}
	nodes := 0
	for i, p := range c.Nodes {
		path := fmt.Sprintf("cluster.nodes[%d]", i)
		name := p.Name
		switch {
		case name == "" && i == 0:
			name = DefaultPoolName
		case name == "":
			v.errorf(path+".name", "is required when there are several pools")
		case len(validation.IsDNS1123Label(name)) > 0 || len(name) > 50:
			v.errorf(path+".name", "expected a DNS-1123 label of at most 50 characters (nodes are named <name>-<n>), got %q", name)
		case seen[name]:
			v.errorf(path+".name", "pool %q is listed twice", name)
		}
		seen[name] = true
		switch {
		case p.Count < 1:
			v.errorf(path+".count", "expected a positive integer, got %s", got(p.Count))
		case nodes <= MaxNodes && (p.Count > MaxNodes || nodes+p.Count > MaxNodes):
			v.errorf(path+".count", "%d nodes make a cluster of more than %d nodes, the most knsim emulates (as Kubernetes supports)", p.Count, MaxNodes)
			nodes = MaxNodes + 1 // reported once
		case nodes <= MaxNodes:
			nodes += p.Count
		}
		if p.MaxPods < 0 {
			v.errorf(path+".maxPods", "expected a positive integer (default %d), got %s", DefaultMaxPods, got(p.MaxPods))
		}
		nonNegQuantity(v, path+".cpu", p.CPU.Sign(), p.CPU.String())
		nonNegQuantity(v, path+".memory", p.Memory.Sign(), p.Memory.String())
		for _, k := range sortedKeys(p.Labels) {
			for _, msg := range validation.IsQualifiedName(k) {
				v.errorf(path+".labels["+k+"]", "invalid label key: %s", msg)
			}
			for _, msg := range validation.IsValidLabelValue(p.Labels[k]) {
				v.errorf(path+".labels["+k+"]", "invalid label value %q: %s", p.Labels[k], msg)
			}
		}
	}
	oneOf(v, "cluster.scheduling", string(c.Scheduling), "spread", "binpack")
	validateDistribution(v, "cluster.pods.imagePull", c.Pods.ImagePull)
	validateDistribution(v, "cluster.pods.cachedImagePull", c.Pods.CachedImagePull)
	validateDistribution(v, "cluster.pods.containerStart", c.Pods.ContainerStart)
	validateDistribution(v, "cluster.pods.readiness", c.Pods.Readiness)
	validateDistribution(v, "cluster.pods.drain", c.Pods.Drain)
	if c.Network.Hop < 0 {
		v.errorf("cluster.network.hop", "expected a positive duration, got %s", c.Network.Hop.D())
	}
}

// days writes d in days when it is a whole number of them.
func days(d Duration) string {
	const day = Duration(24 * time.Hour)
	if d%day == 0 {
		return fmt.Sprintf("%d days", d/day)
	}
	return fmt.Sprintf("%.1f days", float64(d)/float64(day))
}

func nonNegQuantity(v *validator, path string, sign int, text string) {
	if sign < 0 {
		v.errorf(path, "expected a quantity >= 0, got %q", text)
	}
}

func (w Workload) validate(v *validator, path string) {
	validateDistribution(v, path+".serviceTime", w.ServiceTime)
	validateDistribution(v, path+".coldStartExtra", w.ColdStartExtra)
	if w.MaxInFlight < 0 {
		v.errorf(path+".maxInFlight", "expected an integer >= 0 (0 = unlimited), got %s", got(w.MaxInFlight))
	}
	nonNegQuantity(v, path+".cpuPerRequest", w.CPUPerRequest.Sign(), w.CPUPerRequest.String())
	nonNegQuantity(v, path+".memoryPerRequest", w.MemoryPerRequest.Sign(), w.MemoryPerRequest.String())
	nonNegQuantity(v, path+".memoryBase", w.MemoryBase.Sign(), w.MemoryBase.String())
}

func (m *Manifest) validate(v *validator, path string) {
	switch {
	case m.File == "" && m.Inline == "":
		v.errorf(path, "expected file (a YAML file, relative to the scenario) or inline (YAML text)")
	case m.File != "" && m.Inline != "":
		v.errorf(path, "expected file or inline, not both")
	}
}

func (p *Prices) validate(v *validator) {
	for _, f := range []struct {
		name string
		x    float64
	}{{"vcpuSecond", p.VCPUSecond}, {"gibSecond", p.GiBSecond}, {"request", p.Request}} {
		if f.x < 0 || math.IsNaN(f.x) || math.IsInf(f.x, 0) {
			v.errorf("prices."+f.name, "expected a price >= 0, got %s", got(f.x))
		}
	}
}

// validateExpectation parses one expectation and checks its times and
// service names.
func validateExpectation(v *validator, path, src string, runFor Duration) {
	e, err := expect.Parse(src)
	var se *expect.SyntaxError
	if errors.As(err, &se) {
		v.errs = append(v.errs, &Error{File: v.file, Path: path, Msg: se.Error(), syntax: se})
		return
	}
	for _, r := range e.Refs() {
		if at := r.Scope.At; at != nil && runFor > 0 && *at > runFor.D() {
			v.errorf(path, "%s reads the run at %s, after its end (metadata.duration %s)", r, Duration(*at), runFor)
		}
	}
}

// Expectations parses the expect list, in order. A loaded or validated
// scenario's expectations always parse.
func (s *Scenario) Expectations() ([]*expect.Expr, error) {
	out := make([]*expect.Expr, len(s.Expect))
	for i, src := range s.Expect {
		e, err := expect.Parse(src)
		if err != nil {
			return nil, fmt.Errorf("expect[%d]: %w", i, err)
		}
		out[i] = e
	}
	return out, nil
}

// checkServiceRef checks "name" or "namespace/name".
func checkServiceRef(ref string) string {
	ns, name, hasNS := strings.Cut(ref, "/")
	if !hasNS {
		ns, name = "", ns
	}
	if ref == "" {
		return "expected a Knative Service name or namespace/name"
	}
	if hasNS && len(validation.IsDNS1123Label(ns)) > 0 {
		return fmt.Sprintf("expected a Knative Service name or namespace/name, with a DNS-1123 label as namespace, got %q", ref)
	}
	if len(validation.IsDNS1123Label(name)) > 0 {
		return fmt.Sprintf("expected a Knative Service name or namespace/name (lowercase DNS-1123 labels), got %q", ref)
	}
	return ""
}

// SplitService splits a service reference, "name" or "namespace/name",
// defaulting the namespace to "default".
func SplitService(ref string) (namespace, name string) {
	if ns, n, ok := strings.Cut(ref, "/"); ok {
		return ns, n
	}
	return "default", ref
}
