package webhook

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

var meta = metav1.ObjectMeta{Namespace: "default", Name: "x"}

func display() duck.Destination {
	return duck.Destination{Ref: &duck.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "event-display"}}
}

func trigger(filters ...eventingv1.SubscriptionsAPIFilter) *eventingv1.Trigger {
	return &eventingv1.Trigger{ObjectMeta: meta, Spec: eventingv1.TriggerSpec{Broker: "default", Subscriber: display(), Filters: filters}}
}

func subscription(d *duck.DeliverySpec) *messagingv1.Subscription {
	sub := display()
	return &messagingv1.Subscription{ObjectMeta: meta, Spec: messagingv1.SubscriptionSpec{
		Channel:    duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "ch"},
		Subscriber: &sub, Delivery: d,
	}}
}

func ping(schedule string) *sourcesv1.PingSource {
	return &sourcesv1.PingSource{ObjectMeta: meta, Spec: sourcesv1.PingSourceSpec{
		SourceSpec: duck.SourceSpec{Sink: display()}, Schedule: schedule, Data: `{"m": 1}`}}
}

func TestAdmitEventing(t *testing.T) {
	tests := []struct {
		name string
		obj  runtime.Object
		// want are substrings of the error; none means the object is accepted.
		want []string
	}{{
		name: "Trigger with an exact filter",
		obj:  trigger(eventingv1.SubscriptionsAPIFilter{Exact: map[string]string{"type": "dev.knative.sources.ping"}}),
	}, {
		name: "Trigger with bad CESQL",
		obj:  trigger(eventingv1.SubscriptionsAPIFilter{Exact: map[string]string{"type": "a"}}, eventingv1.SubscriptionsAPIFilter{CESQL: "type = "}),
		want: []string{"validation failed: invalid value: type = : spec.filters[1].cesql", "invalid CESQL expression"},
	}, {
		name: "Trigger with two dialects in one filter",
		obj: trigger(eventingv1.SubscriptionsAPIFilter{
			Exact: map[string]string{"type": "a"}, Prefix: map[string]string{"source": "b"}}),
		want: []string{"multiple dialects found, filters can have only one dialect set: spec.filters[0]"},
	}, {
		name: "Trigger with an empty attribute name",
		obj:  trigger(eventingv1.SubscriptionsAPIFilter{Suffix: map[string]string{"": "b"}}),
		want: []string{"spec.filters[0].suffix[]"},
	}, {
		name: "Trigger without broker",
		obj:  &eventingv1.Trigger{ObjectMeta: meta, Spec: eventingv1.TriggerSpec{Subscriber: display()}},
		want: []string{"missing field(s): spec.broker"},
	}, {
		name: "Subscription with delivery",
		obj: subscription(&duck.DeliverySpec{Retry: ptr.To[int32](3),
			BackoffPolicy: ptr.To(duck.BackoffPolicyExponential), BackoffDelay: ptr.To("PT0.5S")}),
	}, {
		name: "Subscription with negative retry",
		obj:  subscription(&duck.DeliverySpec{Retry: ptr.To[int32](-1)}),
		want: []string{"invalid value: -1: spec.delivery.retry"},
	}, {
		name: "Subscription with a bad ISO-8601 duration",
		obj:  subscription(&duck.DeliverySpec{BackoffDelay: ptr.To("5s")}),
		want: []string{"invalid value: 5s: spec.delivery.backoffDelay"},
	}, {
		name: "Broker with an empty dead letter sink",
		obj: &eventingv1.Broker{ObjectMeta: meta, Spec: eventingv1.BrokerSpec{
			Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{}}}},
		want: []string{"expected exactly one, got neither: spec.delivery.deadLetterSink.ref, spec.delivery.deadLetterSink.uri"},
	}, {
		name: "Sequence step with a bad timeout",
		obj: &flowsv1.Sequence{ObjectMeta: meta, Spec: flowsv1.SequenceSpec{Steps: []flowsv1.SequenceStep{
			{Destination: display(), Delivery: &duck.DeliverySpec{Timeout: ptr.To("PT0S")}}}}},
		want: []string{"spec.steps[0].delivery.timeout"},
	}, {
		name: "Sequence without steps",
		obj:  &flowsv1.Sequence{ObjectMeta: meta},
		want: []string{"missing field(s): spec.steps"},
	}, {
		name: "Parallel without branches",
		obj:  &flowsv1.Parallel{ObjectMeta: meta},
		want: []string{"missing field(s): spec.branches"},
	}, {
		name: "PingSource every minute",
		obj:  ping("*/1 * * * *"),
	}, {
		name: "PingSource with a bad cron",
		obj:  ping("every minute"),
		want: []string{"invalid value: every minute: spec.schedule"},
	}, {
		name: "ApiServerSource without resources",
		obj:  &sourcesv1.ApiServerSource{ObjectMeta: meta, Spec: sourcesv1.ApiServerSourceSpec{SourceSpec: duck.SourceSpec{Sink: display()}}},
		want: []string{"missing field(s): spec.resources"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Admit(tc.obj, nil)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Admit: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Admit accepted the object, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestAdmitDefaultsEventing(t *testing.T) {
	par := &flowsv1.Parallel{ObjectMeta: meta, Spec: flowsv1.ParallelSpec{Branches: []flowsv1.ParallelBranch{{Subscriber: display()}}}}
	if err := Admit(par, nil); err != nil {
		t.Fatal(err)
	}
	want := &messagingv1.ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}}
	if diff := cmp.Diff(want, par.Spec.ChannelTemplate); diff != "" {
		t.Errorf("channelTemplate (-want +got):\n%s", diff)
	}
	if got := par.Spec.Branches[0].Subscriber.Ref.Namespace; got != "default" {
		t.Errorf("subscriber namespace = %q, want default", got)
	}
	b := &eventingv1.Broker{ObjectMeta: meta}
	if err := Admit(b, nil); err != nil {
		t.Fatal(err)
	}
	if got := b.Annotations[eventingv1.BrokerClassAnnotationKey]; got != "MTChannelBasedBroker" {
		t.Errorf("broker class = %q", got)
	}
}

func TestAdmitEventingUpdates(t *testing.T) {
	old := trigger()
	moved := old.DeepCopy()
	moved.Spec.Broker = "other"
	if err := Admit(moved, old); err == nil || !strings.Contains(err.Error(), "Immutable fields changed (-old +new): spec.broker") {
		t.Errorf("moving a Trigger to another broker: %v", err)
	}
	oldSub := subscription(nil)
	newSub := oldSub.DeepCopy()
	newSub.Spec.Channel.Name = "elsewhere"
	if err := Admit(newSub, oldSub); err == nil || !strings.Contains(err.Error(), "spec.channel") {
		t.Errorf("moving a Subscription to another channel: %v", err)
	}
}

func TestEventingWebhookRules(t *testing.T) {
	resources := map[string]bool{}
	for _, w := range ValidatingConfiguration().Webhooks {
		resources[w.Rules[0].Resources[0]] = true
	}
	for _, r := range []string{"brokers", "triggers", "eventtypes", "channels", "inmemorychannels", "subscriptions",
		"sequences", "parallels", "pingsources", "apiserversources", "containersources", "sinkbindings"} {
		if !resources[r] {
			t.Errorf("no validating webhook for %s", r)
		}
	}
}
