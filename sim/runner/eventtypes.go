package runner

import (
	"context"
	"fmt"
	"maps"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/eventplane"
	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
	"github.com/knsim/knsim/system/reconciler/eventtype"
)

// autoTypes gathers the (Broker or channel, type, source) triples the
// eventing data plane took since the last settle, for eventtype-auto-create:
// at each settle they are handed to eventtype.AutoCreate, which creates
// the EventTypes when knative-eventing's config-features enables it.
type autoTypes struct {
	pending []taken
	// queued are the triples pending; done those already created (or
	// found) while the flag was on, which need no more reads.
	queued, done map[string]bool
	// off are the triples taken while the flag was off: they wait for the
	// control plane to change (recheck) instead of reading the flag at
	// every settle.
	off map[string]taken
}

// taken is an event an ingress took, copied out of the event.
type taken struct {
	broker                     bool
	namespace, name            string
	ceType, ceSource, ceSchema string
}

// note implements eventplane.Config.OnIngress.
func (a *autoTypes) note(ing eventplane.Ingressed) {
	in := taken{broker: ing.Broker, namespace: ing.Namespace, name: ing.Name,
		ceType: ing.Event.Type(), ceSource: ing.Event.Source(), ceSchema: ing.Event.DataSchema()}
	k := in.key()
	if _, waiting := a.off[k]; waiting || a.done[k] || a.queued[k] {
		return
	}
	if a.queued == nil {
		a.queued = map[string]bool{}
	}
	a.queued[k] = true
	a.pending = append(a.pending, in)
}

func (in taken) key() string {
	return fmt.Sprintf("%t\x00%s\x00%s\x00%s\x00%s", in.broker, in.namespace, in.name, in.ceType, in.ceSource)
}

// recheck queues again what was taken while the flag was off; the runner
// calls it when the control plane wrote something (config-features may
// have changed).
func (a *autoTypes) recheck() {
	for _, k := range slices.Sorted(maps.Keys(a.off)) {
		if a.queued == nil {
			a.queued = map[string]bool{}
		}
		a.queued[k] = true
		a.pending = append(a.pending, a.off[k])
	}
	a.off = nil
}

// create registers what was taken since the last settle, in the order it
// was taken.
func (a *autoTypes) create(ctx context.Context, c client.Client) error {
	if len(a.pending) == 0 {
		return nil
	}
	pending := a.pending
	a.pending, a.queued = nil, nil
	var seen []eventtype.Seen
	var keys []string
	for _, in := range pending {
		ref, err := ingressRef(ctx, c, in)
		if apierrors.IsNotFound(err) {
			continue // gone since: Knative's handler would not find it either
		}
		if err != nil {
			return err
		}
		seen = append(seen, eventtype.Seen{Ref: ref, Type: in.ceType, Source: in.ceSource, Schema: in.ceSchema})
		keys = append(keys, in.key())
	}
	_, on, err := eventtype.AutoCreate(ctx, c, seen)
	if err != nil {
		return err
	}
	if !on {
		if a.off == nil {
			a.off = map[string]taken{}
		}
		for _, in := range pending {
			a.off[in.key()] = in
		}
		return nil
	}
	if a.done == nil {
		a.done = map[string]bool{}
	}
	for _, k := range keys {
		a.done[k] = true
	}
	return nil
}

// ingressRef is the object that took the event: the Broker, or the channel
// by its kind (an InMemoryChannel, whose dispatcher registers the events of
// a Channel backed by one too, a NatsJetStreamChannel, or a Channel).
func ingressRef(ctx context.Context, c client.Reader, in taken) (duck.KReference, error) {
	key := client.ObjectKey{Namespace: in.namespace, Name: in.name}
	if in.broker {
		return duck.KReference{APIVersion: eventingv1.SchemeGroupVersion.String(), Kind: "Broker", Namespace: in.namespace, Name: in.name}, nil
	}
	kinds := []struct {
		obj  client.Object
		gv   string
		kind string
	}{
		{&messagingv1.InMemoryChannel{}, messagingv1.SchemeGroupVersion.String(), "InMemoryChannel"},
		{&messagingv1alpha1.NatsJetStreamChannel{}, messagingv1alpha1.SchemeGroupVersion.String(), messagingv1alpha1.NatsJetStreamChannelKind},
		{&messagingv1.Channel{}, messagingv1.SchemeGroupVersion.String(), "Channel"},
	}
	var last error
	for _, k := range kinds {
		err := c.Get(ctx, key, k.obj)
		if err == nil {
			return duck.KReference{APIVersion: k.gv, Kind: k.kind, Namespace: in.namespace, Name: in.name}, nil
		}
		if !apierrors.IsNotFound(err) {
			return duck.KReference{}, err
		}
		last = err
	}
	return duck.KReference{}, last
}
