package topology

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/eventing/broker"
	"github.com/knsim/knsim/system/eventing/channel"
	"github.com/knsim/knsim/system/network"
)

// Names the Eventing topology recognises.
const (
	// DurableAnnotation marks an InMemoryChannel or a Channel as durable
	// (a knsim extension; the Knative way is the NatsJetStreamChannel
	// kind): its events survive a dispatcher restart and are redelivered.
	DurableAnnotation = "messaging.knsim.dev/durable"
	// inMemoryKind is the kind of the in-memory channel.
	inMemoryKind = "InMemoryChannel"
)

// Eventing is the eventing configuration the data plane serves.
type Eventing struct {
	// Brokers by key, each with its resolved delivery and triggers.
	Brokers map[broker.Key]broker.Broker
	// Channels by key.
	Channels map[channel.Key]Channel
	// Skipped lists objects that could not be served (a Trigger whose
	// filter does not compile, a delivery that does not parse), for logs.
	Skipped []error
}

// Channel is one channel as the dispatcher serves it.
type Channel struct {
	// Host of the channel's address ({name}-kn-channel.{ns}.svc...).
	Host string
	// Subscribers of the channel, resolved by the Subscription controller.
	Subscribers []channel.Subscriber
	// Durable channels keep their events across dispatcher restarts.
	Durable bool
	// Stream and Consumer are a NatsJetStreamChannel's stream and consumer
	// settings (zero for other kinds), for the JetStream channel class.
	Stream messagingv1alpha1.Stream
	// Consumer is the NatsJetStreamChannel's consumer template, or nil.
	Consumer *messagingv1alpha1.ConsumerConfigTemplate
	// Claims lists the namespace/name of every Subscription that names
	// this channel and is not being deleted, resolved or not, sorted
	// (NameSubscribers fills it). The durable class keeps the consumers
	// of these Subscriptions.
	Claims []string
}

// ReadEventing takes the eventing topology from the control plane's store.
func ReadEventing(ctx context.Context, c client.Reader) (*Eventing, error) {
	var brokers eventingv1.BrokerList
	var triggers eventingv1.TriggerList
	var imcs messagingv1.InMemoryChannelList
	var chans messagingv1.ChannelList
	var jscs messagingv1alpha1.NatsJetStreamChannelList
	var subs messagingv1.SubscriptionList
	for _, l := range []client.ObjectList{&brokers, &triggers, &imcs, &chans, &jscs, &subs} {
		if err := c.List(ctx, l); err != nil {
			return nil, fmt.Errorf("reading eventing state: %w", err)
		}
	}
	t := BuildEventing(brokers.Items, triggers.Items, imcs.Items, chans.Items, jscs.Items)
	t.NameSubscribers(subs.Items)
	return t, nil
}

// NameSubscribers gives each channel subscriber the namespace/name of
// its Subscription (found by UID), which names its durable consumer, and
// sets each channel's Claims. Subscribers without a Subscription (a
// channel's spec.subscribers written by hand) keep an empty Name.
func (t *Eventing) NameSubscribers(subs []messagingv1.Subscription) {
	names := make(map[string]string, len(subs))
	claims := map[channel.Key][]string{}
	for i := range subs {
		s := &subs[i]
		n := s.Namespace + "/" + s.Name
		names[string(s.UID)] = n
		if s.DeletionTimestamp != nil {
			continue
		}
		ns := s.Spec.Channel.Namespace
		if ns == "" {
			ns = s.Namespace
		}
		k := channel.Key{Namespace: ns, Name: s.Spec.Channel.Name}
		claims[k] = append(claims[k], n)
	}
	for k, ch := range t.Channels {
		subs := make([]channel.Subscriber, len(ch.Subscribers))
		for i, s := range ch.Subscribers {
			s.Name = names[s.UID]
			subs[i] = s
		}
		ch.Subscribers = subs
		ch.Claims = claims[k]
		slices.Sort(ch.Claims)
		t.Channels[k] = ch
	}
}

// BuildEventing assembles an Eventing topology from the objects' specs and statuses: Brokers
// with an address, Triggers with a resolved subscriber, channels with an
// address and their spec.subscribers. NatsJetStreamChannels are durable,
// and so are InMemoryChannels and Channels marked with DurableAnnotation
// and Channels whose template names another kind than InMemoryChannel.
func BuildEventing(brokers []eventingv1.Broker, triggers []eventingv1.Trigger, imcs []messagingv1.InMemoryChannel,
	chans []messagingv1.Channel, jscs []messagingv1alpha1.NatsJetStreamChannel) *Eventing {
	t := &Eventing{Brokers: map[broker.Key]broker.Broker{}, Channels: map[channel.Key]Channel{}}
	for i := range brokers {
		b := &brokers[i]
		if b.DeletionTimestamp != nil || b.Status.Address.URL == "" {
			continue
		}
		cfg, err := broker.BrokerFromAPI(b, b.Status.DeadLetterSinkURI)
		if err != nil {
			t.Skipped = append(t.Skipped, err)
			continue
		}
		t.Brokers[broker.Key{Namespace: b.Namespace, Name: b.Name}] = cfg
	}
	slices.SortFunc(triggers, func(a, b eventingv1.Trigger) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	for i := range triggers {
		tr := &triggers[i]
		k := broker.Key{Namespace: tr.Namespace, Name: tr.Spec.Broker}
		b, ok := t.Brokers[k]
		if !ok || tr.DeletionTimestamp != nil || tr.Status.SubscriberURI == "" {
			continue
		}
		cfg, err := broker.TriggerFromAPI(tr, tr.Status.SubscriberURI, tr.Status.DeadLetterSinkURI)
		if err != nil {
			t.Skipped = append(t.Skipped, err)
			continue
		}
		b.Triggers = append(b.Triggers, cfg)
		t.Brokers[k] = b
	}
	durable := map[channel.Key]bool{}
	for i := range chans {
		ch := &chans[i]
		k := channel.Key{Namespace: ch.Namespace, Name: ch.Name}
		kind := inMemoryKind
		if tpl := ch.Spec.ChannelTemplate; tpl != nil && tpl.Kind != "" {
			kind = tpl.Kind
		}
		durable[k] = kind != inMemoryKind || annotated(ch.Annotations)
	}
	add := func(ns, name, address string, subs []channel.Subscriber, isDurable bool) {
		host := network.URLHost(address)
		if host == "" {
			return
		}
		key, status := channel.ParseTarget(host, network.URLPath(address))
		if status != 0 {
			key = channel.Key{Namespace: ns, Name: name}
		}
		prev, seen := t.Channels[key]
		if seen && len(subs) == 0 {
			subs = prev.Subscribers
		}
		prev.Host, prev.Subscribers, prev.Durable = host, subs, isDurable || prev.Durable
		t.Channels[key] = prev
	}
	for i := range jscs {
		c := &jscs[i]
		if c.DeletionTimestamp != nil || network.URLHost(c.Status.Address.URL) == "" {
			continue
		}
		subs, errs := subscribers(c.Spec.Subscribers)
		t.Skipped = append(t.Skipped, errs...)
		add(c.Namespace, c.Name, c.Status.Address.URL, subs, true)
		key, status := channel.ParseTarget(network.URLHost(c.Status.Address.URL), network.URLPath(c.Status.Address.URL))
		if status != 0 {
			key = channel.Key{Namespace: c.Namespace, Name: c.Name}
		}
		ch := t.Channels[key]
		ch.Stream, ch.Consumer = c.Spec.Stream, c.Spec.ConsumerConfigTemplate
		t.Channels[key] = ch
	}
	for i := range imcs {
		c := &imcs[i]
		if c.DeletionTimestamp != nil {
			continue
		}
		subs, errs := subscribers(c.Spec.Subscribers)
		t.Skipped = append(t.Skipped, errs...)
		k := channel.Key{Namespace: c.Namespace, Name: c.Name}
		add(c.Namespace, c.Name, c.Status.Address.URL, subs, annotated(c.Annotations) || durable[k])
	}
	for i := range chans {
		c := &chans[i]
		if c.DeletionTimestamp != nil {
			continue
		}
		subs, errs := subscribers(c.Spec.Subscribers)
		t.Skipped = append(t.Skipped, errs...)
		add(c.Namespace, c.Name, c.Status.Address.URL, subs, durable[channel.Key{Namespace: c.Namespace, Name: c.Name}])
	}
	return t
}

func annotated(a map[string]string) bool {
	v := strings.ToLower(a[DurableAnnotation])
	return v == "true" || v == "1" || v == "yes"
}

// subscribers resolves a channel's spec.subscribers; entries whose
// delivery does not parse are skipped and reported.
func subscribers(specs []duck.SubscriberSpec) ([]channel.Subscriber, []error) {
	var out []channel.Subscriber
	var errs []error
	for _, s := range specs {
		if s.SubscriberURI == "" {
			continue
		}
		sub, err := channel.SubscriberFromSpec(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, sub)
	}
	return out, errs
}
