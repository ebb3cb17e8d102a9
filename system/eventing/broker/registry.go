package broker

import (
	"fmt"
	"sync"
	"sync/atomic"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	"github.com/knsim/knsim/system/eventing/delivery"
	"github.com/knsim/knsim/system/eventing/filter"
)

// Key names a broker: its namespace and name.
type Key struct {
	Namespace string
	Name      string
}

// String returns "namespace/name".
func (k Key) String() string { return k.Namespace + "/" + k.Name }

// Trigger is a trigger as the data plane needs it: resolved and compiled.
type Trigger struct {
	// Namespace and Name identify the trigger (for reports).
	Namespace, Name string
	// Filter decides which events the subscriber gets; nil passes all.
	Filter *filter.Filter
	// SubscriberURI is the resolved subscriber.
	SubscriberURI string
	// Delivery replaces the broker's delivery entirely when set.
	Delivery *delivery.Policy
}

// Broker is a broker's data-plane configuration.
type Broker struct {
	// Delivery is the broker's delivery, used by triggers without their own.
	Delivery delivery.Policy
	// Triggers subscribed to the broker.
	Triggers []Trigger
}

// TriggerFromAPI compiles an eventing.knative.dev/v1 Trigger for the data
// plane. subscriberURI is the resolved subscriber (status.subscriberUri)
// and deadLetterURI the resolved dead letter sink (may be "").
func TriggerFromAPI(t *eventingv1.Trigger, subscriberURI, deadLetterURI string) (Trigger, error) {
	f, err := filter.ForTrigger(&t.Spec)
	if err != nil {
		return Trigger{}, fmt.Errorf("trigger %s/%s: %w", t.Namespace, t.Name, err)
	}
	out := Trigger{Namespace: t.Namespace, Name: t.Name, Filter: f, SubscriberURI: subscriberURI}
	if t.Spec.Delivery != nil {
		p, err := delivery.FromSpec(t.Spec.Delivery)
		if err != nil {
			return Trigger{}, fmt.Errorf("trigger %s/%s: spec.delivery: %w", t.Namespace, t.Name, err)
		}
		if deadLetterURI != "" {
			p.DeadLetterURI = deadLetterURI
		}
		out.Delivery = &p
	}
	return out, nil
}

// BrokerFromAPI resolves a Broker's delivery: spec.delivery, or Knative's
// broker default (retry 10, exponential, PT0.2S) when unset.
// deadLetterURI is the resolved dead letter sink (may be "").
func BrokerFromAPI(b *eventingv1.Broker, deadLetterURI string) (Broker, error) {
	spec := b.Spec.Delivery
	if spec == nil {
		spec = delivery.BrokerDefaultSpec()
	}
	p, err := delivery.FromSpec(spec)
	if err != nil {
		return Broker{}, fmt.Errorf("broker %s/%s: spec.delivery: %w", b.Namespace, b.Name, err)
	}
	if deadLetterURI != "" {
		p.DeadLetterURI = deadLetterURI
	}
	return Broker{Delivery: p}, nil
}

// Registry holds the brokers the control plane made known. Readers never
// lock: every change builds a new map and swaps it in. It is safe for
// concurrent use.
type Registry struct {
	mu      sync.Mutex // serialises writers
	brokers atomic.Pointer[map[Key]*Broker]
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	r := &Registry{}
	m := map[Key]*Broker{}
	r.brokers.Store(&m)
	return r
}

// Lookup returns the broker's configuration; callers must not modify it.
func (r *Registry) Lookup(k Key) (*Broker, bool) {
	b, ok := (*r.brokers.Load())[k]
	return b, ok
}

// Keys returns the known brokers, in no particular order.
func (r *Registry) Keys() []Key {
	m := *r.brokers.Load()
	out := make([]Key, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// update applies fn to a copy of the map and publishes it.
func (r *Registry) update(fn func(m map[Key]*Broker)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.brokers.Load()
	m := make(map[Key]*Broker, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	fn(m)
	r.brokers.Store(&m)
}

// SetBroker adds or replaces a broker's delivery, keeping its triggers.
func (r *Registry) SetBroker(k Key, p delivery.Policy) {
	r.update(func(m map[Key]*Broker) {
		nb := &Broker{Delivery: p}
		if old, ok := m[k]; ok {
			nb.Triggers = old.Triggers
		}
		m[k] = nb
	})
}

// SetTriggers replaces a known broker's triggers; it reports false when
// the broker is unknown.
func (r *Registry) SetTriggers(k Key, triggers []Trigger) bool {
	known := false
	r.update(func(m map[Key]*Broker) {
		old, ok := m[k]
		if !ok {
			return
		}
		known = true
		m[k] = &Broker{Delivery: old.Delivery, Triggers: append([]Trigger(nil), triggers...)}
	})
	return known
}

// DeleteBroker forgets a broker and its triggers.
func (r *Registry) DeleteBroker(k Key) {
	r.update(func(m map[Key]*Broker) { delete(m, k) })
}

// Install makes the registry hold exactly brokers, with their deliveries
// and triggers: the ones it no longer lists are forgotten. Both Eventing
// shells install the control plane's topology with it.
func (r *Registry) Install(brokers map[Key]Broker) {
	for _, k := range r.Keys() {
		if _, ok := brokers[k]; !ok {
			r.DeleteBroker(k)
		}
	}
	for k, b := range brokers {
		r.SetBroker(k, b.Delivery)
		r.SetTriggers(k, b.Triggers)
	}
}
