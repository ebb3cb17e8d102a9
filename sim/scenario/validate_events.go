package scenario

import (
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/filter"
)

// Defaults of event workloads and subscribers.
const (
	// DefaultSubscriberStatus is the status of a subscriber's failures.
	DefaultSubscriberStatus = 500
	// DefaultReplyProbability is the chance that an event gets a reply.
	DefaultReplyProbability = 1.0
	// MaxEventDataBytes is the largest event data a broker or channel
	// takes (the real shells' body limit, system/eventing/wire).
	MaxEventDataBytes = 4 << 20
)

// ceCoreAttributes are CloudEvents attributes that are not extensions.
var ceCoreAttributes = []string{"id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time", "data", "data_base64"}

// validateEvents checks the events and subscribers sections; hooked into
// Scenario.validate.
func (s *Scenario) validateEvents(v *validator) {
	names := map[string]int{}
	for i := range s.Events {
		s.Events[i].validate(v, fmt.Sprintf("events[%d]", i), s.Metadata.Duration, i, names)
	}
	for _, image := range sortedKeys(s.Producers) {
		p := s.Producers[image]
		p.validate(v, "producers["+image+"]", image)
	}
	canonical := map[string]string{}
	for _, name := range sortedKeys(s.Subscribers) {
		path := "subscribers[" + name + "]"
		if msg := checkServiceRef(name); msg != "" {
			v.errorf(path, "%s", msg)
		}
		ns, n := SplitService(name)
		if other, dup := canonical[ns+"/"+n]; dup {
			v.errorf(path, "names the same Knative Service as subscribers[%s]", other)
		}
		canonical[ns+"/"+n] = name
		sub := s.Subscribers[name]
		sub.validate(v, path, s.Metadata.Duration)
		if !sub.Latency.IsZero() {
			for key, w := range s.Workloads {
				if kns, kn := SplitService(key); kns == ns && kn == n && !w.ServiceTime.IsZero() {
					v.errorf(path+".latency", "workloads[%s].serviceTime sets the same service time; set one of them", key)
				}
			}
		}
	}
}

func (e *EventWorkload) validate(v *validator, path string, runFor Duration, i int, names map[string]int) {
	switch {
	case e.Rate == nil && e.Trace == nil:
		v.errorf(path, "expected one generator: rate or trace")
	case e.Rate != nil && e.Trace != nil:
		v.errorf(path, "expected one generator, got rate and trace; split them into separate event workloads")
	}
	if e.Name != "" {
		if len(validation.IsDNS1123Label(e.Name)) > 0 {
			v.errorf(path+".name", "expected a DNS-1123 label (lowercase letters, digits and '-'), got %q", e.Name)
		}
		if first, dup := names[e.Name]; dup {
			v.errorf(path+".name", "%q is already the name of events[%d]", e.Name, first)
		} else {
			names[e.Name] = i
		}
	}
	e.Target.validate(v, path+".target")
	if e.Start < 0 {
		v.errorf(path+".start", "expected a duration >= 0, got %s", got(e.Start))
	} else if runFor > 0 && e.Start >= runFor {
		v.errorf(path+".start", "starts at %s, at or after the end of the run (metadata.duration %s)", e.Start, runFor)
	}
	if e.Rate != nil {
		e.Rate.validate(v, path+".rate")
	}
	if e.Trace != nil {
		e.Trace.validate(v, path+".trace", "events")
		if len(e.Trace.Map) > 0 {
			v.errorf(path+".trace.map", "does not apply to event workloads: every function of the trace produces events to the target")
		}
	}
	if strings.TrimSpace(e.Type) == "" {
		v.errorf(path+".type", "is required: the CloudEvents type of the events, e.g. com.example.order.created")
	}
	for _, k := range sortedKeys(e.Extensions) {
		kpath := path + ".extensions[" + k + "]"
		switch {
		case !validExtensionName(k):
			v.errorf(kpath, "expected a CloudEvents extension name (lowercase letters and digits), got %q", k)
		case slices.Contains(ceCoreAttributes, k):
			v.errorf(kpath, "%q is a CloudEvents attribute, not an extension", k)
		}
	}
	if e.Data != "" && !e.DataSize.IsZero() {
		v.errorf(path+".dataSize", "data and dataSize exclude each other: the events carry data, or data of a drawn size")
	}
	e.DataSize.validate(v, path+".dataSize")
	e.Delivery.validate(v, path+".delivery")
}

func validExtensionName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (t *EventTarget) validate(v *validator, path string) {
	ref := t.Kind != "" || t.Name != "" || t.Namespace != "" || t.APIVersion != ""
	switch {
	case t.URI == "" && !ref:
		v.errorf(path, "expected uri (an absolute http URL) or kind and name of an addressable object")
		return
	case t.URI != "" && ref:
		v.errorf(path, "expected uri or a reference (kind, name), not both")
		return
	case t.URI != "":
		u, err := url.Parse(t.URI)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errorf(path+".uri", "expected an absolute http URL such as http://broker-ingress.knative-eventing.svc.cluster.local/default/default, got %q", t.URI)
		}
		return
	}
	if t.Kind == "" {
		v.errorf(path+".kind", "is required with name: Broker, Channel, InMemoryChannel, Sequence, Parallel, Service or another addressable kind")
	} else if t.APIVersion == "" && t.GroupVersion() == "" {
		v.errorf(path+".apiVersion", "is required for kind %q (known without it: %s)", t.Kind, strings.Join(sortedKeys(targetAPIVersions), ", "))
	}
	if t.Name == "" {
		v.errorf(path+".name", "is required with kind: the name of the object")
	} else if len(validation.IsDNS1123Subdomain(t.Name)) > 0 {
		v.errorf(path+".name", "expected an object name (a DNS-1123 subdomain), got %q", t.Name)
	}
	if t.Namespace != "" && len(validation.IsDNS1123Label(t.Namespace)) > 0 {
		v.errorf(path+".namespace", "expected a namespace (a DNS-1123 label), got %q", t.Namespace)
	}
}

// targetAPIVersions are the API versions of the kinds an event target may
// name without apiVersion.
var targetAPIVersions = map[string]string{
	"Broker":          "eventing.knative.dev/v1",
	"Channel":         "messaging.knative.dev/v1",
	"InMemoryChannel": "messaging.knative.dev/v1",
	"Sequence":        "flows.knative.dev/v1",
	"Parallel":        "flows.knative.dev/v1",
	"Service":         "serving.knative.dev/v1",
}

// GroupVersion is the target's apiVersion, defaulted from its kind ("" for
// a URI, or an unknown kind without one).
func (t EventTarget) GroupVersion() string {
	if t.APIVersion != "" || t.URI != "" {
		return t.APIVersion
	}
	return targetAPIVersions[t.Kind]
}

func (sub *Subscriber) validate(v *validator, path string, runFor Duration) {
	validateDistribution(v, path+".latency", sub.Latency)
	if sub.ErrorRate < 0 || sub.ErrorRate > 1 || math.IsNaN(sub.ErrorRate) {
		v.errorf(path+".errorRate", "expected a fraction from 0 to 1, got %s", got(sub.ErrorRate))
	}
	if sub.Status != 0 && (sub.Status < 300 || sub.Status > 599) {
		v.errorf(path+".status", "expected an HTTP status from 300 to 599 (default 500), got %s", got(sub.Status))
	}
	for i, w := range sub.DownWindows {
		wpath := fmt.Sprintf("%s.downWindows[%d]", path, i)
		switch {
		case w.From < 0:
			v.errorf(wpath+".from", "expected a duration >= 0, got %s", got(w.From))
		case w.To <= w.From:
			v.errorf(wpath+".to", "expected a time after from (%s), got %s", w.From, got(w.To))
		case runFor > 0 && w.From >= runFor:
			v.errorf(wpath+".from", "opens at %s, at or after the end of the run (metadata.duration %s)", w.From, runFor)
		}
	}
	if r := sub.Reply; r != nil {
		if r.Probability < 0 || r.Probability > 1 || math.IsNaN(r.Probability) {
			v.errorf(path+".reply.probability", "expected a probability from 0 to 1 (default 1), got %s", got(r.Probability))
		}
		if r.Source != "" && r.Type == "" {
			v.errorf(path+".reply.source", "applies to a reply with a type; without one the service replies with the event it got")
		}
		if r.When != "" {
			if _, err := filter.ParseCESQL(r.When); err != nil {
				v.errorf(path+".reply.when", "expected a CloudEvents SQL expression: %v", err)
			}
		}
	}
}

// ReplyFilter compiles the reply's When into a filter (nil without When).
func (r *Reply) ReplyFilter() (*filter.Filter, error) {
	if r == nil || r.When == "" {
		return nil, nil
	}
	return filter.Compile(nil, []eventingv1.SubscriptionsAPIFilter{{CESQL: r.When}})
}

func (d *SizeDistribution) validate(v *validator, path string) {
	if d.IsZero() {
		return
	}
	params, known := sizeParams[d.Type]
	if !known {
		v.errorf(path+".type", "expected one of constant, uniform, exponential, got %q%s", d.Type,
			suggestOnly(string(d.Type), []string{"constant", "uniform", "exponential"}))
		return
	}
	for _, name := range d.set() {
		if !slices.Contains(params, name) {
			v.errorf(path+"."+name, "does not apply to the %s size distribution (it takes %s)", d.Type, strings.Join(params, ", "))
		}
	}
	for _, p := range []struct {
		name string
		sign int
		text string
	}{{"value", d.Value.Sign(), d.Value.String()}, {"min", d.Min.Sign(), d.Min.String()},
		{"max", d.Max.Sign(), d.Max.String()}, {"mean", d.Mean.Sign(), d.Mean.String()}} {
		if p.sign < 0 {
			v.errorf(path+"."+p.name, "expected a size >= 0, got %q", p.text)
		}
	}
	switch d.Type {
	case UniformSize:
		if d.Max.Cmp(d.Min) < 0 {
			v.errorf(path+".max", "max (%s) must be >= min (%s)", d.Max.String(), d.Min.String())
		}
	case ExponentialSize:
		if d.Mean.Sign() <= 0 {
			v.errorf(path+".mean", "expected a size > 0, got %q", d.Mean.String())
		}
	}
}

// validateRestart checks a restartDispatcher action.
func (r *RestartDispatcher) validate(v *validator, path string) {
	oneOf(v, path+".class", string(r.Class), string(InMemoryDispatcher), string(DurableDispatcher))
	if r.Downtime < 0 {
		v.errorf(path+".downtime", "expected a duration >= 0, got %s", got(r.Downtime))
	}
}

// checkEventServiceRefs reports subscribers that no manifest defines; hooked
// into checkServiceRefs.
func (s *Scenario) checkEventServiceRefs(check func(path, ref string)) {
	for _, k := range sortedKeys(s.Subscribers) {
		check("subscribers["+k+"]", k)
	}
}

// defaultEvents fills the defaults of events and subscribers; hooked into
// Default.
func (s *Scenario) defaultEvents() {
	for i := range s.Events {
		e := &s.Events[i]
		if e.Name == "" {
			e.Name = fmt.Sprintf("events-%d", i)
		}
		if e.Source == "" {
			e.Source = "/knsim/events/" + e.Name
		}
		if r := e.Rate; r != nil {
			r.Shape = cmpOr(r.Shape, ConstantRate)
			r.Arrivals = cmpOr(r.Arrivals, Poisson)
			if r.Shape == Diurnal {
				r.Period = cmpOr(r.Period, Duration(DefaultDiurnalPeriod))
			}
		}
		if tr := e.Trace; tr != nil {
			tr.Spread = cmpOr(tr.Spread, SpreadPoisson)
			tr.Speedup = cmpOr(tr.Speedup, 1)
		}
	}
	for k, sub := range s.Subscribers {
		sub.Status = cmpOr(sub.Status, DefaultSubscriberStatus)
		if sub.Reply != nil {
			r := *sub.Reply
			r.Probability = cmpOr(r.Probability, DefaultReplyProbability)
			if r.Type != "" && r.Source == "" {
				ns, name := SplitService(k)
				r.Source = "/knsim/subscribers/" + ns + "/" + name
			}
			sub.Reply = &r
		}
		s.Subscribers[k] = sub
	}
}

// Subscriber returns the behaviour of a Knative Service ("name" or
// "namespace/name") and whether the scenario lists one.
func (s *Scenario) Subscriber(service string) (Subscriber, bool) {
	ns, name := SplitService(service)
	for key, sub := range s.Subscribers {
		if kns, kname := SplitService(key); kns == ns && kname == name {
			return sub, true
		}
	}
	return Subscriber{}, false
}

// decodeYAML reads a plain size (a constant) or a mapping with a type and
// that type's parameters, all required.
func (d *SizeDistribution) decodeYAML(dec *decoder, n *yaml.Node, path string) {
	const want = "expected a size such as 512 or 2Ki, or a mapping such as {type: uniform, min: 100, max: 4Ki}"
	switch {
	case isNull(n):
		return
	case n.Kind == yaml.ScalarNode:
		dec.nodes[path] = n
		var c SizeDistribution
		dec.quantity(n, reflect.ValueOf(&c.Value).Elem(), path)
		if !dec.bad[path] {
			c.Type = ConstantSize
			*d = c
		}
		return
	case n.Kind != yaml.MappingNode:
		dec.errorf(n, path, "%s, got %s", want, describe(n))
		return
	}
	type plain SizeDistribution // no decodeYAML method
	dec.decodeStruct(n, reflect.ValueOf((*plain)(d)).Elem(), path)
	given := keys(n)
	if !given["type"] {
		dec.errorf(n, join(path, "type"), "a size mapping needs a type: one of constant, uniform, exponential")
		return
	}
	params, known := sizeParams[d.Type]
	if !known {
		return // Validate names the unknown type
	}
	var missing []string
	for _, p := range params {
		if !given[p] {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		dec.errorf(n, join(path, "type"), "the %s size distribution needs %s; %s missing",
			d.Type, strings.Join(params, " and "), strings.Join(missing, " and "))
		for _, p := range missing {
			dec.bad[join(path, p)] = true
		}
	}
}

// JSONSchema describes both forms of a size distribution.
func (SizeDistribution) JSONSchema() *jsonschema.Schema {
	qty := func() *jsonschema.Schema {
		return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "string", Pattern: quantityPattern}, {Type: "number"}}}
	}
	props := jsonschema.NewProperties()
	props.Set("type", &jsonschema.Schema{Type: "string", Enum: []any{"constant", "uniform", "exponential"}})
	for _, p := range []string{"value", "min", "max", "mean"} {
		props.Set(p, qty())
	}
	var rules []*jsonschema.Schema
	for _, t := range []SizeType{ConstantSize, UniformSize, ExponentialSize} {
		allowed := []any{"type"}
		for _, p := range sizeParams[t] {
			allowed = append(allowed, p)
		}
		rules = append(rules, &jsonschema.Schema{
			If:   &jsonschema.Schema{Properties: single("type", &jsonschema.Schema{Const: string(t)})},
			Then: &jsonschema.Schema{Required: sizeParams[t], PropertyNames: &jsonschema.Schema{Enum: allowed}},
		})
	}
	return &jsonschema.Schema{
		Description: "A distribution of sizes in bytes: a plain size (a constant) or a mapping with a type and its parameters.",
		OneOf: []*jsonschema.Schema{
			{Type: "string", Pattern: quantityPattern},
			{Type: "number"},
			{Type: "object", Properties: props, Required: []string{"type"},
				AdditionalProperties: jsonschema.FalseSchema, AllOf: rules},
		},
	}
}

// JSONSchemaExtend requires exactly one generator.
func (EventWorkload) JSONSchemaExtend(s *jsonschema.Schema) { s.OneOf = exactlyOne("rate", "trace") }

// JSONSchemaExtend requires uri or a name (with kind).
func (EventTarget) JSONSchemaExtend(s *jsonschema.Schema) {
	s.OneOf = exactlyOne("uri", "name")
	s.DependentRequired = map[string][]string{"name": {"kind"}, "kind": {"name"}}
}
