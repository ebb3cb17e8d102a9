package jetstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// PruneConsumers deletes the durable consumers that an earlier run left
// on the channel ns/name's stream and that no Subscription claims any
// more, with whatever they kept. claimed lists the namespace/name of every
// Subscription of the channel that still exists, resolved or not. Consumers
// of the subscribers set now (SetChannel) are kept, and so are consumers
// knsim did not create. It returns the names of the deleted consumers.
//
// SetChannel already deletes the consumer of a subscriber it no longer
// lists; PruneConsumers is for consumers no SetChannel of this instance
// has named, such as those of Subscriptions deleted while knsim was
// stopped. Call it only when claimed is the whole truth: with a control
// plane that kept its state, not with a fresh one to which the manifests
// have not been applied again yet (their consumers would be lost).
func (c *Channels) PruneConsumers(ns, name string, claimed []string) ([]string, error) {
	k := Key{Namespace: ns, Name: name}
	if err := checkKey(k); err != nil {
		return nil, fmt.Errorf("jetstream channel %s: %w", k, err)
	}
	keep := map[string]bool{}
	for _, n := range claimed {
		keep[durableFor(&Subscriber{Name: n})] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isClosing() {
		return nil, errors.New("jetstream channels: closed")
	}
	if st := c.channels[k]; st != nil {
		for d := range st.consumers {
			keep[d] = true
		}
	}
	ctx := context.Background()
	stream := c.streamFor(k)
	s, err := c.js.Stream(ctx, stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jetstream channel %s: stream %s: %w", k, stream, err)
	}
	lister := s.ListConsumers(ctx)
	var stale []string
	for info := range lister.Info() {
		if keep[info.Name] || !ownConsumer(info) {
			continue
		}
		stale = append(stale, info.Name)
	}
	if err := lister.Err(); err != nil {
		return nil, fmt.Errorf("jetstream channel %s: listing consumers: %w", k, err)
	}
	slices.Sort(stale)
	var deleted []string
	var errs []error
	for _, d := range stale {
		if err := s.DeleteConsumer(ctx, d); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			errs = append(errs, fmt.Errorf("jetstream channel %s: deleting stale consumer %s: %w", k, d, err))
			continue
		}
		deleted = append(deleted, d)
	}
	return deleted, errors.Join(errs...)
}

// ownConsumer tells whether knsim created the consumer: it carries the
// subscription metadata, or (consumers of earlier versions) the
// description knsim writes.
func ownConsumer(info *jetstream.ConsumerInfo) bool {
	if _, ok := info.Config.Metadata[metaSubscriptionUID]; ok {
		return true
	}
	return strings.HasPrefix(info.Config.Description, "knsim subscription ")
}

// ConsumerNames lists the durable consumers on the channel ns/name's
// stream, sorted (none when it has no stream).
func (c *Channels) ConsumerNames(ns, name string) ([]string, error) {
	k := Key{Namespace: ns, Name: name}
	if err := checkKey(k); err != nil {
		return nil, fmt.Errorf("jetstream channel %s: %w", k, err)
	}
	ctx := context.Background()
	s, err := c.js.Stream(ctx, c.streamFor(k))
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jetstream channel %s: %w", k, err)
	}
	l := s.ConsumerNames(ctx)
	var out []string
	for n := range l.Name() {
		out = append(out, n)
	}
	if err := l.Err(); err != nil {
		return nil, fmt.Errorf("jetstream channel %s: listing consumers: %w", k, err)
	}
	slices.Sort(out)
	return out, nil
}
