package scenario

import (
	"math"
	"time"
)

// Traffic is one request generator. Exactly one of Hey, Rate and Trace is
// set.
type Traffic struct {
	// Name identifies the generator in results (default "<kind>-<index>",
	// e.g. "hey-0"); unique within the scenario.
	Name string `json:"name,omitempty"`
	// Host is the Host header requests carry, which picks the Route, e.g.
	// helloworld-go.default.example.com. Required for hey and rate; a trace
	// takes either Host (every function goes there) or Trace.Map.
	Host string `json:"host,omitempty"`
	// Start is when the generator starts, from the start of the run
	// (default 0s).
	Start Duration `json:"start,omitzero"`

	// Hey is a closed-loop burst, as the hey load generator makes.
	Hey *Hey `json:"hey,omitempty"`
	// Rate is an open-loop arrival process following a rate function.
	Rate *Rate `json:"rate,omitempty"`
	// Trace replays Azure Functions per-minute invocation counts.
	Trace *Trace `json:"trace,omitempty"`
}

// Kind names the generator's kind: "hey", "rate" or "trace" ("" when none
// or several are set).
func (t *Traffic) Kind() string {
	kinds := t.kinds()
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

func (t *Traffic) kinds() []string {
	var out []string
	if t.Hey != nil {
		out = append(out, "hey")
	}
	if t.Rate != nil {
		out = append(out, "rate")
	}
	if t.Trace != nil {
		out = append(out, "trace")
	}
	return out
}

// Hey is a closed loop with hey's meaning: c workers each send a request,
// wait for its response, and send the next, until n requests in all have
// been sent or, when z is set, for z.
type Hey struct {
	// N is the total number of requests, at most 100,000,000 (hey -n; default 200 unless z is
	// set); at least c.
	N int `json:"n,omitempty" jsonschema:"maximum=100000000"`
	// C is the number of concurrent workers, at most 10,000 (hey -c;
	// default 50).
	C int `json:"c,omitempty" jsonschema:"maximum=10000"`
	// Z runs the burst for this long instead of for n requests (hey -z).
	Z Duration `json:"z,omitzero"`
	// Q limits each worker to q requests per second (hey -q; 0 = no limit).
	Q float64 `json:"q,omitempty"`
}

// Hey's defaults, as in hey itself.
const (
	DefaultHeyN = 200
	DefaultHeyC = 50
)

// Shape is the form of a rate function.
type Shape string

// The rate shapes. Times are measured from the generator's Start.
const (
	// ConstantRate holds RPS.
	ConstantRate Shape = "constant"
	// Steps holds each step's RPS from its At until the next step (0 before
	// the first).
	Steps Shape = "steps"
	// Ramp goes linearly from From to To over Over, then holds To.
	Ramp Shape = "ramp"
	// Sine is Mean + Amplitude·sin(2πt/Period).
	Sine Shape = "sine"
	// Diurnal is Mean − Amplitude·cos(2πt/Period): the trough at t = 0
	// (midnight), the peak at Period/2 (noon); Period defaults to 24h.
	Diurnal Shape = "diurnal"
)

// Arrivals is how requests are spaced for a given rate.
type Arrivals string

// The arrival processes.
const (
	// Poisson draws exponential gaps: a (non-homogeneous) Poisson process.
	Poisson Arrivals = "poisson"
	// Even spaces requests exactly 1/rate apart.
	Even Arrivals = "even"
)

// Rate is an open-loop generator: requests arrive at RPS(t) per second
// whether or not earlier ones were answered.
type Rate struct {
	// Shape is the rate function's form (default constant).
	Shape Shape `json:"shape,omitempty" jsonschema:"enum=constant,enum=steps,enum=ramp,enum=sine,enum=diurnal"`
	// RPS is a constant shape's rate, requests per second (at most
	// 100,000, as every rate of a generator).
	RPS float64 `json:"rps,omitempty" jsonschema:"maximum=100000"`
	// Steps are a steps shape's rates, in increasing At.
	Steps []Step `json:"steps,omitempty"`
	// From is a ramp's starting rate.
	From float64 `json:"from,omitempty" jsonschema:"maximum=100000"`
	// To is a ramp's final rate.
	To float64 `json:"to,omitempty" jsonschema:"maximum=100000"`
	// Over is a ramp's length.
	Over Duration `json:"over,omitzero"`
	// Mean is a sine or diurnal shape's average rate.
	Mean float64 `json:"mean,omitempty" jsonschema:"maximum=100000"`
	// Amplitude is a sine or diurnal shape's swing either side of Mean, at
	// most Mean.
	Amplitude float64 `json:"amplitude,omitempty"`
	// Period is a sine or diurnal shape's period (diurnal default 24h).
	Period Duration `json:"period,omitzero"`
	// Arrivals is poisson (default) or even.
	Arrivals Arrivals `json:"arrivals,omitempty" jsonschema:"enum=poisson,enum=even"`
	// For stops the generator after this long (0 = at the end of the run).
	For Duration `json:"for,omitzero"`
}

// Step is one level of a steps shape.
type Step struct {
	// At is when the level starts, from the generator's Start.
	At Duration `json:"at"`
	// RPS is the level's rate, requests per second.
	RPS float64 `json:"rps" jsonschema:"maximum=100000"`
}

// RPSAt is the rate, in requests per second, t after the generator's start.
// It does not apply For; r should be valid and defaulted.
func (r *Rate) RPSAt(t time.Duration) float64 {
	x := t.Seconds()
	switch r.Shape {
	case ConstantRate, "":
		return r.RPS
	case Steps:
		rps := 0.0
		for _, s := range r.Steps {
			if s.At.D() > t {
				break
			}
			rps = s.RPS
		}
		return rps
	case Ramp:
		if r.Over <= 0 || t >= r.Over.D() {
			return r.To
		}
		return r.From + (r.To-r.From)*x/r.Over.D().Seconds()
	case Sine:
		return max(0, r.Mean+r.Amplitude*math.Sin(2*math.Pi*x/r.period()))
	case Diurnal:
		return max(0, r.Mean-r.Amplitude*math.Cos(2*math.Pi*x/r.period()))
	}
	return 0
}

func (r *Rate) period() float64 {
	if r.Period > 0 {
		return r.Period.D().Seconds()
	}
	return (24 * time.Hour).Seconds()
}

// TraceSpread is how a trace minute's invocations are placed within the
// minute.
type TraceSpread string

// The spreads.
const (
	// SpreadUniform places each of the minute's invocations at an
	// independent, uniformly random instant of the minute.
	SpreadUniform TraceSpread = "uniform"
	// SpreadPoisson replays the minute as a Poisson process at the minute's
	// average rate, so the count itself varies around the trace's.
	SpreadPoisson TraceSpread = "poisson"
	// SpreadStart sends all of them at the start of the minute.
	SpreadStart TraceSpread = "start"
)

// Trace replays an Azure Functions 2019 invocation trace: a CSV with the
// header HashOwner,HashApp,HashFunction,Trigger,1,...,1440 and one row of
// per-minute invocation counts per function.
type Trace struct {
	// File is the CSV file, relative to the scenario file.
	File string `json:"file" jsonschema:"required"`
	// Map sends each function's invocations to a host (a Host header such as
	// hello.default.example.com) or a Knative Service ("name" or
	// "namespace/name"), keyed by HashFunction; the key "*" matches every
	// other function, and the generator's Host catches what Map does not.
	// Functions that match nothing are skipped.
	Map map[string]string `json:"map,omitempty"`
	// Spread places each minute's invocations: poisson (default), uniform
	// or start.
	Spread TraceSpread `json:"spread,omitempty" jsonschema:"enum=uniform,enum=poisson,enum=start"`
	// Offset skips this much of the trace from its first minute, e.g. "8h"
	// starts at minute 481.
	Offset Duration `json:"offset,omitzero"`
	// Speedup replays the trace this many times faster (default 1; 60 plays
	// one trace minute per second).
	Speedup float64 `json:"speedup,omitempty"`
}

// TraceTarget returns where a trace function's invocations go:
// Trace.Map[function], else Trace.Map["*"], else Host; ok is false when
// none is set (the function is skipped).
func (t *Traffic) TraceTarget(function string) (target string, ok bool) {
	if t.Trace != nil {
		if v, ok := t.Trace.Map[function]; ok {
			return v, true
		}
		if v, ok := t.Trace.Map["*"]; ok {
			return v, true
		}
	}
	return t.Host, t.Host != ""
}
