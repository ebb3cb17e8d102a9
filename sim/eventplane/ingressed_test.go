package eventplane

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/topology"
)

// TestOnIngress: every event a Broker or channel takes is handed to
// OnIngress (what eventtype-auto-create registers); refused ones are not.
func TestOnIngress(t *testing.T) {
	type seen struct {
		Broker          bool
		Namespace, Name string
		Type            string
	}
	tests := []struct {
		name  string
		sends []send
		want  []seen
	}{
		{name: "a Broker and a channel",
			sends: []send{
				{uri: brokerURI, ev: newEvent("1", "order.created", nil)},
				{at: time.Millisecond, uri: "http://" + chanHost("ch"), ev: newEvent("2", "ping", nil)},
			},
			want: []seen{{Broker: true, Namespace: "default", Name: "default", Type: "order.created"}, {Namespace: "default", Name: "ch", Type: "ping"}}},
		{name: "a Service and an unknown Broker are not ingresses that take the event",
			sends: []send{
				{uri: uri("sink"), ev: newEvent("1", "x", nil)},
				{uri: "http://broker-ingress.knative-eventing.svc.cluster.local/default/nobody", ev: newEvent("2", "x", nil)},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng, err := engine.New(engine.Config{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			var got []seen
			p, err := New(Config{Engine: eng, Sender: &fakeNet{eng: eng, services: map[string]*fakeService{host("sink"): {}}},
				OnIngress: func(in Ingressed) {
					got = append(got, seen{Broker: in.Broker, Namespace: in.Namespace, Name: in.Name, Type: in.Event.Type()})
				}})
			if err != nil {
				t.Fatal(err)
			}
			top := oneBroker()
			top.Channels = map[channel.Key]topology.Channel{{Namespace: "default", Name: "ch"}: {Host: chanHost("ch")}}
			p.Sync(top)
			start := eng.Now()
			for _, s := range tt.sends {
				eng.Schedule(start.Add(s.at), func(now time.Time) { p.Produce(now, s.uri, s.ev, 0) })
			}
			eng.RunUntil(start.Add(time.Second))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("OnIngress (-want +got):\n%s", diff)
			}
		})
	}
}
