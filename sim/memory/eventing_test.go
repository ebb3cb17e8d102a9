package memory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/manifest"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

// A Broker with several Triggers, applied without namespaces, settles on the
// memory plane: every kind maps to a resource (no "no matches for kind
// Broker"), and the Triggers' Subscriptions, told apart by UID, each keep
// their own entry on the broker's channel instead of overwriting one
// another forever.
func TestBrokerWithTriggersSettles(t *testing.T) {
	var log []entry
	p, _ := start(t, 1, &log)
	ctx := context.Background()
	objs, err := manifest.Decode("broker.yaml", strings.NewReader(`
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: orders}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: a}
spec: {broker: orders, subscriber: {uri: "http://a.example.com"}}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: b}
spec: {broker: orders, subscriber: {uri: "http://b.example.com"}}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: c}
spec: {broker: orders, subscriber: {uri: "http://c.example.com"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, "default", objs...); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if err := p.Settle(ctx); err != nil {
		t.Fatalf("settle: %v", err)
	}
	var subs messagingv1.SubscriptionList
	if err := p.Client.List(ctx, &subs, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	uids := map[string]bool{}
	for _, s := range subs.Items {
		uids[string(s.UID)] = true
	}
	if len(subs.Items) != 3 || len(uids) != 3 || uids[""] {
		t.Fatalf("want 3 Subscriptions with distinct UIDs, got %d with UIDs %v", len(subs.Items), uids)
	}
	var imcs messagingv1.InMemoryChannelList
	if err := p.Client.List(ctx, &imcs, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	if len(imcs.Items) != 1 {
		t.Fatalf("want the broker's one InMemoryChannel, got %d", len(imcs.Items))
	}
	var got []string
	for _, s := range imcs.Items[0].Spec.Subscribers {
		got = append(got, s.SubscriberURI)
	}
	if len(got) != 3 {
		t.Errorf("broker channel subscribers = %v, want one per Trigger", got)
	}
	b := &unstructured.Unstructured{}
	b.SetAPIVersion("eventing.knative.dev/v1")
	b.SetKind("Broker")
	if err := p.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "orders"}, b); err != nil {
		t.Fatal(err)
	}
	url, _, _ := unstructured.NestedString(b.Object, "status", "address", "url")
	if diff := cmp.Diff("http://broker-ingress.knative-eventing.svc.cluster.local/default/orders", url); diff != "" {
		t.Errorf("broker address (-want +got):\n%s", diff)
	}
}
