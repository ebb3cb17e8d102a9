package eventplane

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/fault"
	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
	"github.com/knsim/knsim/system/network"
	"github.com/knsim/knsim/system/topology"
)

// fakeService answers requests after Latency with Statuses in turn (the
// last one repeating; 200 when empty).
type fakeService struct {
	Latency  time.Duration
	Statuses []int
	calls    int
}

// fakeNet is a data plane of fake Services keyed by host; other hosts get
// 404 from the gateway.
type fakeNet struct {
	eng      *engine.Engine
	services map[string]*fakeService
}

func (n *fakeNet) Send(now time.Time, host string, done func(time.Time, Response)) {
	s := n.services[host]
	if s == nil {
		n.eng.Schedule(now.Add(time.Millisecond), func(at time.Time) { done(at, Response{Status: http.StatusNotFound}) })
		return
	}
	status := http.StatusOK
	if len(s.Statuses) > 0 {
		status = s.Statuses[min(s.calls, len(s.Statuses)-1)]
	}
	s.calls++
	svc := serviceOfHost(host)
	n.eng.Schedule(now.Add(s.Latency), func(at time.Time) { done(at, Response{Status: status, Service: svc}) })
}

// host is a Service's cluster-local host; uri its address.
func host(name string) string { return name + ".default.svc.cluster.local" }
func uri(name string) string  { return "http://" + host(name) }

const brokerURI = "http://" + network.BrokerIngressHost + "/default/default"

func chanHost(name string) string { return network.ChannelHost(name, "default") }

func newEvent(id, typ string, ext map[string]string) cloudevents.Event {
	ev := cloudevents.NewEvent()
	ev.SetID(id)
	ev.SetType(typ)
	ev.SetSource("/test")
	for k, v := range ext {
		ev.SetExtension(k, v)
	}
	return ev
}

func trigger(t *testing.T, name, subscriber string, spec eventingv1.TriggerSpec, p *delivery.Policy) broker.Trigger {
	t.Helper()
	tr := &eventingv1.Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name}, Spec: spec}
	out, err := broker.TriggerFromAPI(tr, uri(subscriber), "")
	if err != nil {
		t.Fatal(err)
	}
	out.Delivery = p
	return out
}

func policy(retry int, bp duck.BackoffPolicyType, delay time.Duration, dls string) *delivery.Policy {
	return &delivery.Policy{Retry: retry, BackoffPolicy: bp, BackoffDelay: delay, DeadLetterURI: dls}
}

// send is one producer event.
type send struct {
	at   time.Duration
	uri  string
	ev   cloudevents.Event
	size int64
}

type planeTest struct {
	name       string
	services   map[string]*fakeService
	behaviours map[string]Behaviour
	topology   func(t *testing.T) *topology.Eventing
	sends      []send
	actions    map[time.Duration]func(p *Plane, now time.Time)
	runFor     time.Duration
	want       Stats
	// wantDelivered counts Delivered records per Service.
	wantDelivered map[string]int
	check         func(t *testing.T, p *Plane, recs []Record)
}

func (tc planeTest) run(t *testing.T) {
	eng, err := engine.New(engine.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]*fakeService{}
	for name, s := range tc.services {
		services[host(name)] = s
	}
	var recs []Record
	p, err := New(Config{Engine: eng, Sender: &fakeNet{eng: eng, services: services}, Behaviours: tc.behaviours,
		OnRecord: func(r Record) { recs = append(recs, r) }})
	if err != nil {
		t.Fatal(err)
	}
	p.Sync(tc.topology(t))
	start := eng.Now()
	for _, s := range tc.sends {
		s := s
		eng.Schedule(start.Add(s.at), func(now time.Time) { p.Produce(now, s.uri, s.ev, s.size) })
	}
	for at, f := range tc.actions {
		f := f
		eng.Schedule(start.Add(at), func(now time.Time) { f(p, now) })
	}
	eng.RunUntil(start.Add(tc.runFor))
	got := p.Finish(eng.Now())
	got.Latencies = nil
	if !reflect.DeepEqual(got, tc.want) {
		t.Errorf("stats:\n got %+v\nwant %+v", got, tc.want)
	}
	if tc.wantDelivered != nil {
		per := map[string]int{}
		for _, r := range recs {
			if r.Kind == Delivered {
				per[r.Service]++
			}
		}
		for svc, n := range tc.wantDelivered {
			if per["default/"+svc] != n {
				t.Errorf("delivered to %s = %d, want %d (all: %v)", svc, per["default/"+svc], n, per)
			}
		}
	}
	if tc.check != nil {
		tc.check(t, p, recs)
	}
}

func oneBroker(triggers ...broker.Trigger) *topology.Eventing {
	return &topology.Eventing{
		Brokers:  map[broker.Key]broker.Broker{{Namespace: "default", Name: "default"}: {Delivery: delivery.BrokerDefault(), Triggers: triggers}},
		Channels: map[channel.Key]topology.Channel{},
	}
}

func TestPlane(t *testing.T) {
	events := func(n int, typ string, ext map[string]string) []send {
		var out []send
		for i := range n {
			out = append(out, send{at: time.Duration(i) * 100 * time.Millisecond, uri: brokerURI, ev: newEvent(fmt.Sprintf("%s-%d", typ, i), typ, ext)})
		}
		return out
	}
	tests := []planeTest{{
		name:     "broker fans out to the triggers whose filters pass: exact, prefix, CESQL",
		services: map[string]*fakeService{"exact": {Latency: 10 * time.Millisecond}, "prefix": {}, "sql": {}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(
				trigger(t, "exact", "exact", eventingv1.TriggerSpec{Filter: &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "order.created"}}}, nil),
				trigger(t, "prefix", "prefix", eventingv1.TriggerSpec{Filters: []eventingv1.SubscriptionsAPIFilter{{Prefix: map[string]string{"type": "order."}}}}, nil),
				trigger(t, "sql", "sql", eventingv1.TriggerSpec{Filters: []eventingv1.SubscriptionsAPIFilter{{CESQL: "region = 'eu'"}}}, nil),
			)
		},
		sends: append(append(events(4, "order.created", map[string]string{"region": "eu"}),
			events(3, "order.shipped", nil)...), events(2, "user.created", map[string]string{"region": "us"})...),
		runFor: 10 * time.Second,
		// created+eu: 3 triggers; shipped: prefix only; user+us: none.
		want:          Stats{Produced: 9, Accepted: 9, Delivered: 4*3 + 3, Filtered: 3*2 + 2*3},
		wantDelivered: map[string]int{"exact": 4, "prefix": 7, "sql": 4},
	}, {
		name:     "a flaky subscriber gets every event through retries",
		services: map[string]*fakeService{"flaky": {Latency: 5 * time.Millisecond, Statuses: []int{503, 500, 200}}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(trigger(t, "t", "flaky", eventingv1.TriggerSpec{}, policy(5, duck.BackoffPolicyExponential, 100*time.Millisecond, "")))
		},
		sends:  events(1, "x", nil),
		runFor: 5 * time.Second,
		want:   Stats{Produced: 1, Accepted: 1, Delivered: 1, Retries: 2},
		check: func(t *testing.T, _ *Plane, recs []Record) {
			// send at 0, +1ms hop; attempts at 1ms, 1+5+100 ms, 106+5+200 ms; 2xx at 316 ms.
			for _, r := range recs {
				if r.Kind == Delivered && r.Latency != 316*time.Millisecond {
					t.Errorf("latency %s, want 316ms (exponential 100ms, 200ms)", r.Latency)
				}
			}
		},
	}, {
		name:     "a direct send to a Service retries 503 as Knative's source adapters do (100ms, 200ms)",
		services: map[string]*fakeService{"sink": {Latency: 5 * time.Millisecond, Statuses: []int{503, 503, 200}}},
		topology: func(*testing.T) *topology.Eventing { return oneBroker() },
		sends:    []send{{uri: uri("sink"), ev: newEvent("d-1", "x", nil)}},
		runFor:   5 * time.Second,
		want:     Stats{Produced: 1, Delivered: 1, Retries: 2},
		check: func(t *testing.T, _ *Plane, recs []Record) {
			// hop 1ms; attempts at 1ms, 1+5+100 ms, 106+5+200 ms; 2xx at 316 ms.
			for _, r := range recs {
				if r.Kind == Delivered && r.Latency != 316*time.Millisecond {
					t.Errorf("latency %s, want 316ms (the SDK's 50ms*2^k: 100ms, 200ms)", r.Latency)
				}
			}
		},
	}, {
		name:     "a direct send's 500 is not retried (not in the SDK's retriable statuses) and is lost",
		services: map[string]*fakeService{"sink": {Statuses: []int{500, 200}}},
		topology: func(*testing.T) *topology.Eventing { return oneBroker() },
		sends:    []send{{uri: uri("sink"), ev: newEvent("d-1", "x", nil)}},
		runFor:   5 * time.Second,
		want:     Stats{Produced: 1, Lost: 1},
	}, {
		name:     "a direct send gives up after 5 retries",
		services: map[string]*fakeService{"sink": {Statuses: []int{502}}},
		topology: func(*testing.T) *topology.Eventing { return oneBroker() },
		sends:    []send{{uri: uri("sink"), ev: newEvent("d-1", "x", nil)}},
		runFor:   10 * time.Second,
		want:     Stats{Produced: 1, Retries: 5, Lost: 1},
	}, {
		name:     "an always-failing subscriber's events are dead-lettered",
		services: map[string]*fakeService{"broken": {Statuses: []int{500}}, "dls": {}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(trigger(t, "t", "broken", eventingv1.TriggerSpec{}, policy(2, duck.BackoffPolicyLinear, 10*time.Millisecond, uri("dls"))))
		},
		sends:  events(5, "x", nil),
		runFor: 5 * time.Second,
		want:   Stats{Produced: 5, Accepted: 5, Retries: 10, DeadLettered: 5},
		check: func(t *testing.T, _ *Plane, recs []Record) {
			for _, r := range recs {
				if r.Kind == DeadLettered && r.Service != "default/broken" {
					t.Errorf("dead letter counted for %q, want the failing subscriber", r.Service)
				}
			}
		},
	}, {
		name:     "a failure that is not retried, without a dead-letter sink, is lost",
		services: map[string]*fakeService{"picky": {Statuses: []int{400}}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(trigger(t, "t", "picky", eventingv1.TriggerSpec{}, policy(5, duck.BackoffPolicyLinear, 10*time.Millisecond, "")))
		},
		sends:  events(3, "x", nil),
		runFor: 5 * time.Second,
		want:   Stats{Produced: 3, Accepted: 3, Lost: 3},
	}, {
		name:       "a reply loop ends when the TTL runs out, and the drop is counted",
		services:   map[string]*fakeService{"echo": {Latency: time.Millisecond}},
		behaviours: map[string]Behaviour{"default/echo": {Reply: &Reply{Type: "loop"}}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(trigger(t, "t", "echo", eventingv1.TriggerSpec{Filter: &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "loop"}}}, nil))
		},
		sends:  events(2, "loop", nil),
		runFor: 10 * time.Second,
		// Each event passes the ingress with TTL 255, 254, ..., 1: 255
		// deliveries and replies; the 255th reply reaches TTL 0.
		want: Stats{Produced: 2, Accepted: 2 * 255, Delivered: 2 * 255, Replies: 2 * 255, DroppedTTL: 2},
	}, {
		name:     "timed-out attempts whose answer comes later are delivered once, then duplicates",
		services: map[string]*fakeService{"slow": {Latency: 300 * time.Millisecond}},
		topology: func(t *testing.T) *topology.Eventing {
			p := policy(2, duck.BackoffPolicyLinear, 50*time.Millisecond, "")
			p.Timeout = 100 * time.Millisecond
			return oneBroker(trigger(t, "t", "slow", eventingv1.TriggerSpec{}, p))
		},
		sends:  events(1, "x", nil),
		runFor: 5 * time.Second,
		// Three attempts time out; all three answers arrive later.
		want: Stats{Produced: 1, Accepted: 1, Retries: 2, Delivered: 1, Duplicates: 2},
	}, {
		name:       "error rate and down windows fail attempts at the eventing level",
		services:   map[string]*fakeService{"svc": {}},
		behaviours: map[string]Behaviour{"default/svc": {Faults: []fault.Fault{{Down: true, Status: 503, From: engine.DefaultStart, Until: engine.DefaultStart.Add(time.Second)}}}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(trigger(t, "t", "svc", eventingv1.TriggerSpec{}, policy(3, duck.BackoffPolicyLinear, 400*time.Millisecond, "")))
		},
		sends:  events(1, "x", nil),
		runFor: 5 * time.Second,
		// Attempts at 1ms, 2ms (linear k=1: no wait), 403ms fail inside the
		// window; the one at 1204ms succeeds.
		want: Stats{Produced: 1, Accepted: 1, Retries: 3, Delivered: 1},
		check: func(t *testing.T, p *Plane, _ []Record) {
			if n := p.cfg.Sender.(*fakeNet).services[host("svc")].calls; n != 1 {
				t.Errorf("the service got %d calls, want 1 (down windows fail before the data plane)", n)
			}
		},
	}, {
		name:     "an oversized event is refused with 413 and an unknown broker with 404",
		services: map[string]*fakeService{"svc": {}},
		topology: func(t *testing.T) *topology.Eventing {
			return oneBroker(trigger(t, "t", "svc", eventingv1.TriggerSpec{}, nil))
		},
		sends: []send{
			{uri: brokerURI, ev: newEvent("big", "x", nil), size: MaxDataBytes + 1},
			{uri: "http://" + network.BrokerIngressHost + "/default/nope", ev: newEvent("lost", "x", nil)},
			{uri: brokerURI, ev: newEvent("ok", "x", nil), size: 1024},
		},
		runFor: time.Second,
		want:   Stats{Produced: 3, Rejected: 2, Accepted: 1, Delivered: 1},
	}, {
		name:       "channels chain through replies, as a Sequence does",
		services:   map[string]*fakeService{"step-1": {}, "step-2": {}, "display": {}},
		behaviours: map[string]Behaviour{"default/step-1": {Reply: &Reply{}}, "default/step-2": {Reply: &Reply{Type: "done"}}},
		topology: func(t *testing.T) *topology.Eventing {
			return &topology.Eventing{Channels: map[channel.Key]topology.Channel{
				{Namespace: "default", Name: "seq-0"}: {Host: chanHost("seq-0"), Subscribers: []channel.Subscriber{{UID: "s0", SubscriberURI: uri("step-1"), ReplyURI: "http://" + chanHost("seq-1")}}},
				{Namespace: "default", Name: "seq-1"}: {Host: chanHost("seq-1"), Subscribers: []channel.Subscriber{{UID: "s1", SubscriberURI: uri("step-2"), ReplyURI: uri("display")}}},
			}}
		},
		sends:  []send{{uri: "http://" + chanHost("seq-0"), ev: newEvent("a", "x", nil)}, {uri: "http://" + chanHost("seq-0"), ev: newEvent("b", "x", nil)}},
		runFor: time.Second,
		// Each event: accepted by seq-0 and seq-1, delivered to both steps
		// and to the display (a reply forward).
		want:          Stats{Produced: 2, Accepted: 4, Delivered: 6, Replies: 4},
		wantDelivered: map[string]int{"step-1": 2, "step-2": 2, "display": 2},
	}, {
		name:     "a Parallel filter passes the events its reply matches",
		services: map[string]*fakeService{"filter-even": {}, "filter-odd": {}, "even": {}, "odd": {}},
		behaviours: map[string]Behaviour{
			"default/filter-even": {Reply: &Reply{When: cesql(t, "parity = 'even'")}},
			"default/filter-odd":  {Reply: &Reply{When: cesql(t, "parity = 'odd'")}},
		},
		topology: func(t *testing.T) *topology.Eventing {
			return &topology.Eventing{Channels: map[channel.Key]topology.Channel{
				{Namespace: "default", Name: "in"}: {Host: chanHost("in"), Subscribers: []channel.Subscriber{
					{UID: "f0", SubscriberURI: uri("filter-even"), ReplyURI: "http://" + chanHost("b0")},
					{UID: "f1", SubscriberURI: uri("filter-odd"), ReplyURI: "http://" + chanHost("b1")}}},
				{Namespace: "default", Name: "b0"}: {Host: chanHost("b0"), Subscribers: []channel.Subscriber{{UID: "s0", SubscriberURI: uri("even")}}},
				{Namespace: "default", Name: "b1"}: {Host: chanHost("b1"), Subscribers: []channel.Subscriber{{UID: "s1", SubscriberURI: uri("odd")}}},
			}}
		},
		sends: []send{
			{uri: "http://" + chanHost("in"), ev: newEvent("1", "n", map[string]string{"parity": "odd"})},
			{uri: "http://" + chanHost("in"), ev: newEvent("2", "n", map[string]string{"parity": "even"})},
			{uri: "http://" + chanHost("in"), ev: newEvent("3", "n", map[string]string{"parity": "odd"})},
		},
		runFor:        time.Second,
		want:          Stats{Produced: 3, Accepted: 6, Delivered: 9, Replies: 3},
		wantDelivered: map[string]int{"filter-even": 3, "filter-odd": 3, "even": 1, "odd": 2},
	}, {
		name:     "a dispatcher restart loses what the in-memory channel holds; the durable channel redelivers",
		services: map[string]*fakeService{"mem": {Latency: 500 * time.Millisecond}, "dur": {Latency: 500 * time.Millisecond}},
		topology: func(t *testing.T) *topology.Eventing {
			return &topology.Eventing{Channels: map[channel.Key]topology.Channel{
				{Namespace: "default", Name: "mem"}: {Host: chanHost("mem"), Subscribers: []channel.Subscriber{{UID: "m", SubscriberURI: uri("mem")}}},
				{Namespace: "default", Name: "dur"}: {Host: chanHost("dur"), Durable: true, Subscribers: []channel.Subscriber{{UID: "d", SubscriberURI: uri("dur")}}},
			}}
		},
		sends: []send{
			// in flight at the restart (answer due at 0.501s, after it)
			{at: 100 * time.Millisecond, uri: "http://" + chanHost("mem"), ev: newEvent("m1", "x", nil)},
			{at: 100 * time.Millisecond, uri: "http://" + chanHost("dur"), ev: newEvent("d1", "x", nil)},
			// during the downtime
			{at: 300 * time.Millisecond, uri: "http://" + chanHost("mem"), ev: newEvent("m2", "x", nil)},
			{at: 300 * time.Millisecond, uri: "http://" + chanHost("dur"), ev: newEvent("d2", "x", nil)},
		},
		actions: map[time.Duration]func(*Plane, time.Time){
			200 * time.Millisecond: func(p *Plane, now time.Time) { p.RestartDispatchers(now, "", time.Second) },
		},
		runFor: 5 * time.Second,
		// m1: the subscriber still answers the lost attempt, so it counts as
		// delivered, not lost; m2 is refused. d1 is redelivered after the
		// restart (a duplicate at the subscriber); d2 waits and is delivered.
		want:          Stats{Produced: 4, Accepted: 3, Rejected: 1, Delivered: 3, Duplicates: 1, Retries: 1},
		wantDelivered: map[string]int{"mem": 1, "dur": 2},
	}, {
		name:     "an in-memory restart before the subscriber got the event loses it",
		services: map[string]*fakeService{"mem": {Statuses: []int{503, 200}}},
		topology: func(t *testing.T) *topology.Eventing {
			return &topology.Eventing{Channels: map[channel.Key]topology.Channel{
				{Namespace: "default", Name: "mem"}: {Host: chanHost("mem"), Subscribers: []channel.Subscriber{
					{UID: "m", SubscriberURI: uri("mem"), Delivery: *policy(3, duck.BackoffPolicyExponential, time.Second, "")}}},
			}}
		},
		sends: []send{{uri: "http://" + chanHost("mem"), ev: newEvent("m1", "x", nil)}},
		actions: map[time.Duration]func(*Plane, time.Time){
			// The first attempt failed at 1ms; the retry waits until 1.001s.
			100 * time.Millisecond: func(p *Plane, now time.Time) { p.RestartDispatchers(now, "in-memory", 0) },
		},
		runFor: 5 * time.Second,
		want:   Stats{Produced: 1, Accepted: 1, Retries: 1, Lost: 1},
	}, {
		name:     "a producer's event to a Service goes straight through the data plane",
		services: map[string]*fakeService{"display": {Latency: 20 * time.Millisecond}},
		topology: func(t *testing.T) *topology.Eventing { return &topology.Eventing{} },
		sends:    []send{{uri: uri("display"), ev: newEvent("p", "ping", nil)}, {uri: uri("nobody"), ev: newEvent("q", "ping", nil)}},
		// The gateway's 404 for an unknown host is one the adapters retry
		// (5 times, 3.1 s of backoff) before the event is lost.
		runFor: 5 * time.Second,
		want:   Stats{Produced: 2, Delivered: 1, Retries: 5, Lost: 1},
	}}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func cesql(t *testing.T, expr string) *filter.Filter {
	t.Helper()
	f, err := filter.Compile(nil, []eventingv1.SubscriptionsAPIFilter{{CESQL: expr}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestServiceOfHost(t *testing.T) {
	for h, want := range map[string]string{
		"event-display.default.svc.cluster.local": "default/event-display",
		"hello.team.svc":          "team/hello",
		"hello.team.example.com":  "team/hello",
		network.BrokerIngressHost: "",
		chanHost("c"):             "",
		"sink.example.org":        "",
	} {
		if got := serviceOfHost(h); got != want {
			t.Errorf("serviceOfHost(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestRoute(t *testing.T) {
	eng, err := engine.New(engine.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Engine: eng, Sender: &fakeNet{eng: eng}})
	if err != nil {
		t.Fatal(err)
	}
	p.Sync(&topology.Eventing{Channels: map[channel.Key]topology.Channel{
		{Namespace: "default", Name: "odd"}: {Host: "odd-channel.default.svc.cluster.local"},
	}})
	for _, tc := range []struct {
		host string
		want routeKind
	}{
		{network.BrokerIngressHost, toBroker},
		{chanHost("orders"), toChannel},
		{"odd-channel.default.svc.cluster.local", toChannel},
		{host("svc"), toService},
		{"svc.default.example.com", toService},
		{"sink.example.org", toService},
	} {
		if got := p.route(tc.host); got != tc.want {
			t.Errorf("route(%q) = %d, want %d", tc.host, got, tc.want)
		}
	}
}
