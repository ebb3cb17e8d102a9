package v1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/apis/fielderr"
)

func errString(fe *fielderr.FieldError) string {
	if err := fe.Err(); err != nil {
		return err.Error()
	}
	return ""
}

func TestValidateDestination(t *testing.T) {
	tests := []struct {
		name string
		dest duck.Destination
		want string
	}{{
		name: "ref",
		dest: duck.Destination{Ref: svcRef("s")},
	}, {
		name: "absolute URI",
		dest: duck.Destination{URI: "http://example.com/x"},
	}, {
		name: "ref with a relative URI",
		dest: duck.Destination{Ref: svcRef("s"), URI: "/path"},
	}, {
		name: "neither",
		want: "expected at least one, got none: ref, uri",
	}, {
		name: "ref with an absolute URI",
		dest: duck.Destination{Ref: svcRef("s"), URI: "http://example.com"},
		want: "Absolute URI is not allowed when Ref or [apiVersion, kind, name] exists: ref, uri",
	}, {
		name: "relative URI alone",
		dest: duck.Destination{URI: "/path"},
		want: "invalid value: Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent: uri",
	}, {
		name: "incomplete ref",
		dest: duck.Destination{Ref: &duck.KReference{Name: "s"}},
		want: "missing field(s): ref.apiVersion, ref.kind",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, errString(ValidateDestination(tc.dest))); diff != "" {
				t.Errorf("ValidateDestination (-want +got):\n%s", diff)
			}
		})
	}
}

func imcRef(name string) duck.KReference {
	return duck.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: name}
}

func TestSubscriptionValidation(t *testing.T) {
	tests := []struct {
		name string
		spec SubscriptionSpec
		want string
	}{{
		name: "channel and subscriber",
		spec: SubscriptionSpec{Channel: imcRef("ch"), Subscriber: &duck.Destination{Ref: svcRef("s")}},
	}, {
		name: "reply only",
		spec: SubscriptionSpec{Channel: imcRef("ch"), Reply: &duck.Destination{URI: "http://r.example.com"}},
	}, {
		name: "no channel",
		spec: SubscriptionSpec{Subscriber: &duck.Destination{Ref: svcRef("s")}},
		want: "missing field(s): spec.channel\nthe Subscription must reference a channel",
	}, {
		name: "neither subscriber nor reply",
		spec: SubscriptionSpec{Channel: imcRef("ch")},
		want: "missing field(s): spec.reply, spec.subscriber\nthe Subscription must reference at least one of (reply or a subscriber)",
	}, {
		name: "bad dead letter sink",
		spec: SubscriptionSpec{Channel: imcRef("ch"), Subscriber: &duck.Destination{Ref: svcRef("s")},
			Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{URI: "relative"}}},
		want: "invalid value: Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent: spec.delivery.deadLetterSink.uri",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Subscription{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, errString(s.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubscriptionChannelIsImmutable(t *testing.T) {
	old := &Subscription{Spec: SubscriptionSpec{Channel: imcRef("a"), Subscriber: &duck.Destination{Ref: svcRef("s")}}}
	changedSubscriber := old.DeepCopy()
	changedSubscriber.Spec.Subscriber = &duck.Destination{Ref: svcRef("other")}
	if fe := changedSubscriber.ValidateUpdate(old); fe != nil {
		t.Errorf("changing the subscriber: %v", fe)
	}
	moved := old.DeepCopy()
	moved.Spec.Channel.Name = "b"
	got := errString(moved.ValidateUpdate(old))
	if want := "Immutable fields changed (-old +new): spec.channel"; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("moving the channel: %q, want prefix %q", got, want)
	}
}

func TestChannelValidation(t *testing.T) {
	tmpl := DefaultChannelTemplate()
	tests := []struct {
		name string
		ch   *Channel
		want string
	}{{
		name: "defaulted",
		ch:   &Channel{Spec: ChannelSpec{ChannelTemplate: tmpl}},
	}, {
		name: "template without kind",
		ch:   &Channel{Spec: ChannelSpec{ChannelTemplate: &ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "x/v1"}}}},
		want: "missing field(s): spec.channelTemplate.kind",
	}, {
		name: "subscriber without URIs",
		ch: &Channel{Spec: ChannelSpec{ChannelTemplate: tmpl, ChannelableSpec: ChannelableSpec{
			Subscribers: []duck.SubscriberSpec{{UID: "u"}}}}},
		want: "missing field(s): spec.subscribers[0].replyUri, spec.subscribers[0].subscriberUri\nexpected at least one of, got none",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, errString(tc.ch.Validate())); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
	old := &Channel{Spec: ChannelSpec{ChannelTemplate: tmpl}}
	kafka := old.DeepCopy()
	kafka.Spec.ChannelTemplate.Kind = "KafkaChannel"
	if fe := kafka.ValidateUpdate(old); fe == nil {
		t.Error("changing the channel template was allowed")
	}
}
