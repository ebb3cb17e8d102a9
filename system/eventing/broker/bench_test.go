package broker

import (
	"testing"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
)

// BenchmarkAcceptFanout is the ingress core's cost per event: Accept (TTL,
// arrival time, validation) and Fanout over four triggers, one matching a
// prefix and a CESQL filter.
func BenchmarkAcceptFanout(b *testing.B) {
	reg := NewRegistry()
	key := Key{"bench", "default"}
	reg.SetBroker(key, delivery.BrokerDefault())
	specs := []eventingv1.TriggerSpec{
		{Filters: []eventingv1.SubscriptionsAPIFilter{{Prefix: map[string]string{"type": "dev.knsim."}}, {CESQL: "source LIKE '/bench/%'"}}},
		{Filter: &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "other.1"}}},
		{Filter: &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "other.2"}}},
		{Filter: &eventingv1.TriggerFilter{Attributes: map[string]string{"type": "other.3"}}},
	}
	var ts []Trigger
	for i := range specs {
		f, err := filter.ForTrigger(&specs[i])
		if err != nil {
			b.Fatal(err)
		}
		ts = append(ts, Trigger{Name: "t", Filter: f, SubscriberURI: "http://sub/"})
	}
	reg.SetTriggers(key, ts)
	in := NewIngress(reg, nil)
	b.ReportAllocs()
	for b.Loop() {
		ev := newEvent("id", "dev.knsim.order")
		ev.SetSource("/bench/p")
		r := in.Accept(now, "POST", "/bench/default", ev, nil)
		if len(in.Fanout(r)) != 1 {
			b.Fatal("want one dispatch")
		}
	}
}
