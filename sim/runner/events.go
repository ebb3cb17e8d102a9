package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/dataplane"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/eventplane"
	"github.com/knsim/knsim/sim/expect"
	"github.com/knsim/knsim/sim/fault"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/sim/traffic"
	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/reconciler"
	"github.com/knsim/knsim/system/resolver"
	"github.com/knsim/knsim/system/source"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// events is the event side of a run: the simulated eventing data plane,
// the event workloads, the sources' emitter and the event counters.
type events struct {
	sc    *scenario.Scenario
	eng   *engine.Engine
	plane *eventplane.Plane
	// targets are the event workloads' resolved URIs ("" until resolved).
	targets []string
	// retries are the event workloads' retry policies (their delivery
	// blocks over Knative's source adapter defaults).
	retries []delivery.Policy

	mu       sync.Mutex // guards emitted: sources emit from controller goroutines
	emitted  []emission
	managers []ctrl.Manager // envtest managers the emitter is attached to

	records []eventplane.Record
	stats   *eventplane.Stats

	// types are the EventTypes to auto-create (eventtypes.go).
	types autoTypes
	// producers are the event loops of ContainerSources' Ready pods, by
	// namespace/pod (producers.go).
	producers map[string]*podProducer
}

// emission is one event a source handed to the Emitter.
type emission struct {
	sink string
	ev   cloudevents.Event
}

func newEvents(sc *scenario.Scenario) *events {
	return &events{sc: sc, targets: make([]string, len(sc.Events))}
}

// withEmitter makes the sources of the control plane (PingSource,
// ApiServerSource) emit into this run: the memory control plane's
// reconciles take the emitter from the context; envtest's manager gets it
// attached by managerSetup.
func (e *events) withEmitter(ctx context.Context) context.Context {
	return source.WithEmitter(ctx, e)
}

// Emit implements source.Emitter.
func (e *events) Emit(ctx context.Context, sinkURI string, ev cloudevents.Event) error {
	return e.emit(ctx, sinkURI, ev)
}

// managerSetup is the envtest world's extra setup: it attaches the run's
// emitter (carried by ctx) to the manager, whose controllers do not see
// the context the world was started with.
func managerSetup(ctx context.Context) func(ctrl.Manager, reconciler.Options) error {
	e, ok := source.EmitterFrom(ctx).(*events)
	if !ok {
		return nil
	}
	return func(mgr ctrl.Manager, _ reconciler.Options) error {
		source.Attach(mgr, e)
		e.mu.Lock()
		e.managers = append(e.managers, mgr)
		e.mu.Unlock()
		return nil
	}
}

// detach forgets the managers the emitter was attached to.
func (e *events) detach() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range e.managers {
		source.Attach(m, nil)
	}
	e.managers = nil
}

// emit buffers a source's event; drain produces it at the next settle.
// Emit runs inside a reconcile, while virtual time stands still.
func (e *events) emit(_ context.Context, sinkURI string, ev cloudevents.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.emitted = append(e.emitted, emission{sink: sinkURI, ev: ev.Clone()})

	return nil
}

// addWorkloads makes each subscriber's latency its containers' service time.
func (e *events) addWorkloads(ws map[string]container.Workload) {
	for key, sub := range e.sc.Subscribers {
		if sub.Latency.IsZero() {
			continue
		}
		ns, name := scenario.SplitService(key)
		w := workload(e.sc.Workload(key))
		w.ServiceTime = sampler(sub.Latency)
		ws[ns+"/"+name] = w
	}
}

// setUp builds the plane over the data plane and schedules the event
// workloads.
func (e *events) setUp(eng *engine.Engine, dp *dataplane.Plane, start time.Time) error {
	e.eng = eng
	sender := eventplane.DataPlaneSender(dp)
	behaviours := map[string]eventplane.Behaviour{}
	for key, sub := range e.sc.Subscribers {
		ns, name := scenario.SplitService(key)
		var b eventplane.Behaviour
		if sub.ErrorRate > 0 {
			// The containers fail the events, so the failures are
			// requests the data plane answered with the status
			// (requests.errors, status.<code>) as well as failed
			// deliveries, and they take the service time.
			dp.SetFault(ns+"/"+name, fault.Fault{ErrorRate: sub.ErrorRate, Status: sub.Status})
		}
		for _, w := range sub.DownWindows {
			b.Faults = append(b.Faults, fault.Fault{From: start.Add(w.From.D()), Until: start.Add(w.To.D()), Down: true, Status: sub.Status})
		}
		if r := sub.Reply; r != nil {
			f, err := r.ReplyFilter()
			if err != nil {
				return fmt.Errorf("subscribers[%s].reply.when: %w", key, err)
			}
			b.Reply = &eventplane.Reply{Type: r.Type, Source: r.Source, Probability: r.Probability, When: f}
		}
		behaviours[ns+"/"+name] = b
	}
	p, err := eventplane.New(eventplane.Config{Engine: eng, Sender: sender, Behaviours: behaviours,
		OnRecord:  func(r eventplane.Record) { e.records = append(e.records, r) },
		OnIngress: e.types.note})
	if err != nil {
		return err
	}
	e.plane = p
	e.retries = make([]delivery.Policy, len(e.sc.Events))
	for i := range e.sc.Events {
		pol, err := e.sc.Events[i].Delivery.Policy()
		if err != nil {
			return fmt.Errorf("events[%d].delivery: %w", i, err)
		}
		e.retries[i] = pol
	}
	for i := range e.sc.Events {
		if err := e.schedule(i, start); err != nil {
			return err
		}
	}
	return nil
}

// schedule starts event workload i.
func (e *events) schedule(i int, start time.Time) error {
	w := &e.sc.Events[i]
	stream := e.eng.Rand(fmt.Sprintf("events/%d/%s", i, w.Name))
	sizes := e.eng.Rand(fmt.Sprintf("events/%d/%s/size", i, w.Name))
	var gens []traffic.Generator
	switch {
	case w.Rate != nil:
		r := w.Rate
		dur := e.sc.Metadata.Duration.D() - w.Start.D()
		if !r.For.IsZero() && r.For.D() < dur {
			dur = r.For.D()
		}
		arr := traffic.Poisson
		if r.Arrivals == scenario.Even {
			arr = traffic.Even
		}
		gens = []traffic.Generator{traffic.Rate{Host: w.Name, Shape: rateShape{r}, Arrivals: arr, Duration: dur, Rand: stream}}
	case w.Trace != nil:
		var err error
		gens, err = traceGenerators(e.sc, scenario.Traffic{Name: w.Name, Host: w.Name + ".events", Start: w.Start, Trace: w.Trace}, stream)
		if err != nil {
			return fmt.Errorf("events[%d]: %w", i, err)
		}
	default:
		return fmt.Errorf("events[%d]: no generator", i)
	}
	contentType := "text/plain"
	if json.Valid([]byte(w.Data)) {
		contentType = cloudevents.ApplicationJSON
	}
	n := 0
	send := func(now time.Time, _ string, _ func(telemetry.Record)) {
		n++
		ev := cloudevents.NewEvent()
		ev.SetID(fmt.Sprintf("%s-%d", w.Name, n))
		ev.SetType(w.Type)
		ev.SetSource(w.Source)
		ev.SetTime(now)
		for _, k := range slices.Sorted(maps.Keys(w.Extensions)) {
			ev.SetExtension(k, w.Extensions[k])
		}
		size := w.DataSize.Sample(sizes)
		if w.Data != "" {
			ev.SetDataContentType(contentType)
			ev.DataEncoded = []byte(w.Data)
			size = int64(len(w.Data))
		}
		e.plane.ProduceWith(now, e.targets[i], ev, size, e.retries[i])
	}
	for _, g := range gens {
		if err := g.Validate(); err != nil {
			return fmt.Errorf("events[%d]: %w", i, err)
		}
		g.Run(e.eng, start.Add(w.Start.D()), send)
	}
	return nil
}

// sync reads the eventing topology and resolves the workloads' targets;
// the runner calls it when the control plane wrote something.
func (e *events) sync(ctx context.Context, c client.Client) error {
	top, err := topology.ReadEventing(ctx, c)
	if err != nil {
		return err
	}
	e.plane.Sync(top)
	res := resolver.New(c)
	for i, w := range e.sc.Events {
		t := w.Target
		if t.URI != "" {
			e.targets[i] = t.URI
			continue
		}
		ns := t.Namespace
		if ns == "" {
			ns = "default"
		}
		ref := &duck.KReference{Kind: t.Kind, Name: t.Name, Namespace: ns, APIVersion: t.GroupVersion()}
		uri, err := res.URIFromDestination(ctx, duck.Destination{Ref: ref}, ns)
		if err != nil {
			uri = "" // not addressable yet: events are refused until it is
		}
		e.targets[i] = uri
	}
	return e.syncProducers(ctx, c)
}

// drain produces what the sources emitted since the last settle.
func (e *events) drain(now time.Time) {
	e.mu.Lock()
	pending := e.emitted
	e.emitted = nil
	e.mu.Unlock()
	for _, m := range pending {
		e.plane.Produce(now, m.sink, m.ev, int64(len(m.ev.Data())))
	}
}

// restart carries out a restartDispatcher action.
func (e *events) restart(now time.Time, a *scenario.RestartDispatcher) {
	e.plane.RestartDispatchers(now, string(a.Class), a.Downtime.D())
}

// finish closes the counters at the end of the run and summarises them
// into res (only when the run had any eventing).
func (e *events) finish(now time.Time, res *results.Results) {
	st := e.plane.Finish(now)
	e.stats = &st
	if st.Produced == 0 && len(e.sc.Events) == 0 && len(e.sc.Subscribers) == 0 {
		return
	}
	res.Events = &results.Events{
		Produced: st.Produced, Accepted: st.Accepted, Delivered: st.Delivered, Duplicates: st.Duplicates,
		Retries: st.Retries, DeadLettered: st.DeadLettered, DroppedTTL: st.DroppedTTL, Filtered: st.Filtered,
		Lost: st.Lost, Latency: results.Summarize(st.Latencies),
	}
}

// summary is the run's event counters for metrics (nil before finish).
func (e *events) summary() *results.Events {
	if e.stats == nil {
		return nil
	}
	st := e.stats
	return &results.Events{Produced: st.Produced, Accepted: st.Accepted, Delivered: st.Delivered, Duplicates: st.Duplicates,
		Retries: st.Retries, DeadLettered: st.DeadLettered, DroppedTTL: st.DroppedTTL, Filtered: st.Filtered, Lost: st.Lost}
}

// eventKinds maps events.* metrics to the records they count.
var eventKinds = map[string]eventplane.RecordKind{
	"events.produced": eventplane.Produced, "events.accepted": eventplane.Accepted,
	"events.delivered": eventplane.Delivered, "events.duplicates": eventplane.Duplicate,
	"events.retries": eventplane.Retried, "events.deadlettered": eventplane.DeadLettered,
	"events.dropped": eventplane.DroppedTTL, "events.lost": eventplane.Lost,
}

// perService are the events.* metrics a service() scope narrows: those
// about deliveries to a Service.
var perService = map[string]bool{
	"events.delivered": true, "events.duplicates": true, "events.retries": true,
	"events.deadlettered": true, "events.lost": true,
}

// eventMetricScoped counts an events.* metric over [0, at] and, with a
// service, for deliveries to that Knative Service only.
func eventMetricScoped(recs []eventplane.Record, start time.Time, name string, at time.Duration, service string) (expect.Value, error) {
	kind, ok := eventKinds[name]
	if !ok {
		return expect.Value{}, fmt.Errorf("metric %q is not recorded by this run", name)
	}
	if service != "" && !perService[name] {
		return expect.Value{}, fmt.Errorf("%s counts events, not deliveries to a service: it takes no service() scope", name)
	}
	want := ""
	if service != "" {
		ns, n := scenario.SplitService(service)
		want = ns + "/" + n
	}
	end := start.Add(at)
	count := 0
	for _, r := range recs {
		if r.Kind == kind && !r.At.After(end) && (want == "" || r.Service == want) {
			count++
		}
	}
	return expect.Num(float64(count)), nil
}
