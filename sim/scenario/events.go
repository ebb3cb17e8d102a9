package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
)

// EventWorkload produces CloudEvents and sends them to a Broker, a channel,
// a Sequence, a Parallel or any addressable, as an event source outside the
// cluster would. Exactly one of Rate and Trace is set.
type EventWorkload struct {
	// Name identifies the workload in results (default "events-<index>");
	// unique within the scenario.
	Name string `json:"name,omitempty"`
	// Target is where the events go: a URI, or a reference to an
	// addressable object whose status.address.url the runner reads.
	Target EventTarget `json:"target" jsonschema:"required"`
	// Start is when the workload starts, from the start of the run
	// (default 0s).
	Start Duration `json:"start,omitzero"`
	// Rate sends events at a rate that follows a curve over time, as
	// traffic's rate generator does (events per second).
	Rate *Rate `json:"rate,omitempty"`
	// Trace replays an Azure Functions invocation trace: every function of
	// the file produces events (map does not apply).
	Trace *Trace `json:"trace,omitempty"`
	// Type is the CloudEvents type of every event, e.g.
	// com.example.danmaku.comment.
	Type string `json:"type" jsonschema:"required"`
	// Source is the CloudEvents source (default "/knsim/events/<name>").
	Source string `json:"source,omitempty"`
	// Extensions are CloudEvents extension attributes every event carries,
	// e.g. {parity: even}; names are lowercase letters and digits.
	Extensions map[string]string `json:"extensions,omitempty"`
	// Data is the data every event carries (datacontenttype
	// application/json when it parses as JSON, text/plain otherwise).
	Data string `json:"data,omitempty"`
	// DataSize draws the size of each event's data, in bytes (excludes
	// data): a plain size such as 512 or 2Ki, or {type: uniform, min, max}
	// or {type: exponential, mean}. Events over 4Mi are refused with 413.
	DataSize SizeDistribution `json:"dataSize,omitzero"`
	// Delivery is how the producer retries a send to a Service that
	// failed, as a Knative source adapter's CloudEvents client does; what
	// it leaves out is the adapters' default (retry 5, exponential,
	// PT0.05S, no timeout).
	Delivery *EventDelivery `json:"delivery,omitempty"`
}

// Kind names the workload's generator: "rate" or "trace" ("" when none or
// both are set).
func (e *EventWorkload) Kind() string {
	switch {
	case e.Rate != nil && e.Trace == nil:
		return "rate"
	case e.Trace != nil && e.Rate == nil:
		return "trace"
	}
	return ""
}

// EventTarget is where an event workload sends: either URI, or Kind and
// Name (and optionally Namespace and APIVersion) of an addressable object.
type EventTarget struct {
	// URI is an absolute http URL, e.g.
	// http://broker-ingress.knative-eventing.svc.cluster.local/default/default.
	URI string `json:"uri,omitempty"`
	// Kind of the referenced object: Broker, Channel, InMemoryChannel,
	// Sequence, Parallel, Service (a Knative Service) or any other kind with
	// status.address.url.
	Kind string `json:"kind,omitempty"`
	// Name of the referenced object.
	Name string `json:"name,omitempty"`
	// Namespace of the referenced object (default "default").
	Namespace string `json:"namespace,omitempty"`
	// APIVersion of the referenced object (default: the Knative API of
	// Kind, e.g. eventing.knative.dev/v1 for a Broker).
	APIVersion string `json:"apiVersion,omitempty"`
}

// String writes the target as "kind/namespace/name" or its URI.
func (t EventTarget) String() string {
	if t.URI != "" {
		return t.URI
	}
	ns := t.Namespace
	if ns == "" {
		ns = "default"
	}
	return t.Kind + "/" + ns + "/" + t.Name
}

// Subscriber models how a Knative Service that receives events behaves:
// its latency, its failures and its replies.
type Subscriber struct {
	// Latency is the time the service takes to handle one event: the
	// service time of its containers (a shortcut for
	// workloads[service].serviceTime; set one or the other).
	Latency distribution.Distribution `json:"latency,omitzero"`
	// ErrorRate is the fraction of events the service answers with Status,
	// from 0 to 1.
	ErrorRate float64 `json:"errorRate,omitempty"`
	// Status is the HTTP status of failed events, 300 to 599 (default 500).
	Status int `json:"status,omitempty"`
	// DownWindows are times when every event fails with Status, without
	// reaching the service's containers.
	DownWindows []Window `json:"downWindows,omitempty"`
	// Reply makes the service answer events with a CloudEvent: the reply
	// goes back into the Broker, or to the Subscription's reply.
	Reply *Reply `json:"reply,omitempty"`
}

// Window is a stretch of time, from the start of the run.
type Window struct {
	// From is when the window opens.
	From Duration `json:"from"`
	// To is when it closes, after From.
	To Duration `json:"to" jsonschema:"required"`
}

// Reply is a subscriber's answer with an event.
type Reply struct {
	// Type of the reply; without it the service replies with the event it
	// got (same id and attributes), as a Parallel filter that passes it.
	Type string `json:"type,omitempty"`
	// Source of a reply with a type (default "/knsim/subscribers/<service>").
	Source string `json:"source,omitempty"`
	// Probability that a successful event gets a reply, from 0 to 1
	// (default 1).
	Probability float64 `json:"probability,omitempty"`
	// When is a CloudEvents SQL expression on the incoming event: only
	// events it matches get a reply, e.g. "parity = 'even'".
	When string `json:"when,omitempty"`
}

// DispatcherClass picks channel dispatchers by how they keep events.
type DispatcherClass string

// The dispatcher classes.
const (
	// InMemoryDispatcher is the dispatcher of every InMemoryChannel (and of
	// Brokers, whose trigger channels are InMemoryChannels): it holds events
	// in memory and loses them when it restarts.
	InMemoryDispatcher DispatcherClass = "in-memory"
	// DurableDispatcher is the consumer of a durable channel: events stay in
	// the channel's stream and are redelivered after a restart.
	DurableDispatcher DispatcherClass = "durable"
)

// RestartDispatcher restarts channel dispatchers, as a crash or a rollout
// would.
type RestartDispatcher struct {
	// Class restarts only in-memory or only durable dispatchers (default:
	// both).
	Class DispatcherClass `json:"class,omitempty" jsonschema:"enum=in-memory,enum=durable"`
	// Downtime is how long the dispatchers are away (default 0s): an
	// in-memory channel refuses events meanwhile (503), a durable one takes
	// them and delivers after the restart.
	Downtime Duration `json:"downtime,omitzero"`
}

// SizeType names a family of size distributions.
type SizeType string

// The size distribution families.
const (
	// ConstantSize is always Value.
	ConstantSize SizeType = "constant"
	// UniformSize draws uniformly from [Min, Max].
	UniformSize SizeType = "uniform"
	// ExponentialSize draws from an exponential distribution of mean Mean.
	ExponentialSize SizeType = "exponential"
)

// sizeParams are the parameters (YAML names) each size family takes.
var sizeParams = map[SizeType][]string{
	ConstantSize:    {"value"},
	UniformSize:     {"min", "max"},
	ExponentialSize: {"mean"},
}

// SizeDistribution is a distribution of sizes in bytes. In YAML it is a
// plain size (a constant: 512, 2Ki) or a mapping such as {type: uniform,
// min: 100, max: 4Ki} or {type: exponential, mean: 1Ki}. The zero value
// is unset (no data).
type SizeDistribution struct {
	// Type is the family: constant, uniform or exponential.
	Type SizeType `json:"type" jsonschema:"enum=constant,enum=uniform,enum=exponential"`
	// Value is a constant's size.
	Value resource.Quantity `json:"value,omitzero"`
	// Min is a uniform distribution's lower bound.
	Min resource.Quantity `json:"min,omitzero"`
	// Max is a uniform distribution's upper bound.
	Max resource.Quantity `json:"max,omitzero"`
	// Mean is an exponential distribution's mean.
	Mean resource.Quantity `json:"mean,omitzero"`
}

// ConstantBytes is the size distribution that always gives n bytes.
func ConstantBytes(n int64) SizeDistribution {
	return SizeDistribution{Type: ConstantSize, Value: *resource.NewQuantity(n, resource.BinarySI)}
}

// IsZero reports whether d is unset.
func (d SizeDistribution) IsZero() bool {
	return d.Type == "" && d.Value.IsZero() && d.Min.IsZero() && d.Max.IsZero() && d.Mean.IsZero()
}

// Sample draws a size in bytes (0 when unset).
func (d SizeDistribution) Sample(r *rand.Rand) int64 {
	switch d.Type {
	case ConstantSize:
		return d.Value.Value()
	case UniformSize:
		lo, hi := d.Min.Value(), d.Max.Value()
		if hi <= lo {
			return lo
		}
		return lo + r.Int64N(hi-lo+1)
	case ExponentialSize:
		return int64(math.Round(r.ExpFloat64() * float64(d.Mean.Value())))
	}
	return 0
}

// set lists the YAML names of the parameters that are non-zero.
func (d SizeDistribution) set() []string {
	var out []string
	for _, p := range []struct {
		name string
		q    resource.Quantity
	}{{"value", d.Value}, {"min", d.Min}, {"max", d.Max}, {"mean", d.Mean}} {
		if !p.q.IsZero() {
			out = append(out, p.name)
		}
	}
	return out
}

// sizeJSON is SizeDistribution without its methods, for encoding.
type sizeJSON SizeDistribution

// MarshalJSON writes a constant as its size and any other distribution as
// a mapping of its type and parameters.
func (d SizeDistribution) MarshalJSON() ([]byte, error) {
	params, known := sizeParams[d.Type]
	switch {
	case d.Type == ConstantSize:
		return json.Marshal(d.Value.String())
	case !known:
		return json.Marshal(sizeJSON(d))
	}
	values := map[string]resource.Quantity{"min": d.Min, "max": d.Max, "mean": d.Mean}
	var b bytes.Buffer
	t, _ := json.Marshal(d.Type)
	b.WriteString(`{"type":` + string(t))
	for _, p := range params {
		q := values[p]
		fmt.Fprintf(&b, `,%q:%q`, p, q.String())
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads either form MarshalJSON writes.
func (d *SizeDistribution) UnmarshalJSON(b []byte) error {
	var q resource.Quantity
	if json.Unmarshal(b, &q) == nil {
		*d = SizeDistribution{Type: ConstantSize, Value: q}
		return nil
	}
	var x sizeJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*d = SizeDistribution(x)
	return nil
}
