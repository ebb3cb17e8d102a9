package scenario

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

func TestSizeDistribution(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	q := resource.MustParse
	tests := []struct {
		name     string
		d        SizeDistribution
		json     string
		min, max int64
	}{
		{"unset", SizeDistribution{}, `{"type":""}`, 0, 0},
		{"constant", ConstantBytes(2048), `"2Ki"`, 2048, 2048},
		{"uniform", SizeDistribution{Type: UniformSize, Min: q("100"), Max: q("1Ki")}, `{"type":"uniform","min":"100","max":"1Ki"}`, 100, 1024},
		{"exponential", SizeDistribution{Type: ExponentialSize, Mean: q("500")}, `{"type":"exponential","mean":"500"}`, 0, 1 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 200 {
				if n := tc.d.Sample(r); n < tc.min || n > tc.max {
					t.Fatalf("Sample = %d, want in [%d, %d]", n, tc.min, tc.max)
				}
			}
			b, err := json.Marshal(tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.json {
				t.Errorf("JSON = %s, want %s", b, tc.json)
			}
			var back SizeDistribution
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if tc.d.Type != "" && (back.Type != tc.d.Type || back.Value.Cmp(tc.d.Value) != 0 || back.Max.Cmp(tc.d.Max) != 0 || back.Mean.Cmp(tc.d.Mean) != 0) {
				t.Errorf("round trip = %+v, want %+v", back, tc.d)
			}
		})
	}
}

func TestEventDefaults(t *testing.T) {
	s, err := Load("testdata/good/events.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Events[1]; e.Source != "/knsim/events/orders" || e.Rate.Shape != ConstantRate || e.Rate.Arrivals != Poisson {
		t.Errorf("events[1] defaults: %+v %+v", e, e.Rate)
	}
	if e := s.Events[2]; e.Trace.Speedup != 1 || e.Target.GroupVersion() != "flows.knative.dev/v1" {
		t.Errorf("events[2] defaults: %+v", e)
	}
	if got := s.Events[0].Target.GroupVersion(); got != "eventing.knative.dev/v1" {
		t.Errorf("Broker apiVersion = %q", got)
	}
	sub, ok := s.Subscriber("display")
	if !ok || sub.Status != 503 {
		t.Errorf("Subscriber(display) = %+v, %v", sub, ok)
	}
	p, ok := s.Subscriber("live/processor")
	if !ok || p.Status != DefaultSubscriberStatus || p.Reply.Probability != 0.9 {
		t.Errorf("Subscriber(live/processor) = %+v", p)
	}
	f, err := p.Reply.ReplyFilter()
	if err != nil || f == nil {
		t.Errorf("ReplyFilter = %v, %v", f, err)
	}
	if _, ok := s.Subscriber("nobody"); ok {
		t.Error("Subscriber(nobody) found")
	}
	if k := s.Actions[1].Kind(); k != "restartDispatcher" {
		t.Errorf("Kind = %q", k)
	}
}

func TestEventSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	base := "metadata: {name: x, duration: 1m}\n"
	tests := []struct{ name, yaml, want string }{
		{"no generator", base + "events: [{target: {uri: 'http://a'}, type: t}]", "oneOf"},
		{"no type", base + "events: [{target: {uri: 'http://a'}, rate: {rps: 1}}]", "type"},
		{"name without kind", base + "events: [{target: {name: b}, rate: {rps: 1}, type: t}]", "kind"},
		{"size foreign param", base + "events: [{target: {uri: 'http://a'}, rate: {rps: 1}, type: t, dataSize: {type: constant, value: 1, mean: 2}}]", "dataSize"},
		{"unknown subscriber field", base + "subscribers: {a: {errorrate: 1}}", "errorrate"},
		{"bad class", base + "actions: [{at: 1s, restartDispatcher: {class: kafka}}]", "class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Validate(yamlInstance(t, []byte(tt.yaml)))
			if err == nil {
				t.Fatalf("schema accepted:\n%s", tt.yaml)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not mention %q:\n%v", tt.want, err)
			}
		})
	}
}
