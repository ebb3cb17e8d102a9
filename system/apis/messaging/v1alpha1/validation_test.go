package v1alpha1

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/knsim/knsim/system/apis/duck"
	messagingv1 "github.com/knsim/knsim/system/apis/messaging/v1"
)

func TestValidate(t *testing.T) {
	now := metav1.NewTime(time.Unix(0, 0))
	tests := []struct {
		name string
		spec NatsJetStreamChannelSpec
		want []string // substrings of the error; none means valid
	}{{
		name: "empty",
	}, {
		name: "honoured settings",
		spec: NatsJetStreamChannelSpec{
			Stream: Stream{Config: &StreamConfig{Retention: LimitsRetentionPolicy, MaxMsgs: 10, MaxBytes: 1 << 20,
				MaxAge: metav1.Duration{Duration: time.Hour}, Discard: NewDiscardPolicy, Storage: MemoryStorage, Replicas: 3}},
			ConsumerConfigTemplate: &ConsumerConfigTemplate{DeliverPolicy: ByStartTimeDeliverPolicy, OptStartTime: &now,
				AckWait: metav1.Duration{Duration: time.Minute}, MaxAckPending: 10, ReplayPolicy: OriginalReplayPolicy, SampleFrequency: "30%"},
		},
	}, {
		name: "subscriber without URIs",
		spec: NatsJetStreamChannelSpec{ChannelableSpec: messagingv1.ChannelableSpec{Subscribers: []duck.SubscriberSpec{{UID: "u"}}}},
		want: []string{"spec.subscribers[0].subscriberUri"},
	}, {
		name: "work queue retention",
		spec: NatsJetStreamChannelSpec{Stream: Stream{Config: &StreamConfig{Retention: WorkRetentionPolicy}}},
		want: []string{"not supported by knsim", "spec.stream.config.retention"},
	}, {
		name: "bad enums",
		spec: NatsJetStreamChannelSpec{Stream: Stream{Config: &StreamConfig{Retention: "Forever", Discard: "Middle", Storage: "Tape"}}},
		want: []string{"spec.stream.config.retention", "spec.stream.config.discard", "spec.stream.config.storage"},
	}, {
		name: "negative limits and too many replicas",
		spec: NatsJetStreamChannelSpec{Stream: Stream{Config: &StreamConfig{MaxMsgs: -1, MaxAge: metav1.Duration{Duration: -time.Second}, Replicas: 6}}},
		want: []string{"spec.stream.config.maxMsgs", "spec.stream.config.maxAge", "expected 0 <= 6 <= 5: spec.stream.config.replicas"},
	}, {
		name: "settings knsim cannot honour",
		spec: NatsJetStreamChannelSpec{Stream: Stream{OverrideName: "x", Config: &StreamConfig{AdditionalSubjects: []string{"a"}, NoAck: true,
			Placement: &StreamPlacement{Cluster: "c"}, Mirror: &StreamSource{Name: "m"}, Sources: []StreamSource{{Name: "s"}}}},
			ConsumerConfigTemplate: &ConsumerConfigTemplate{MaxDeliver: 3, FilterSubject: "f"}},
		want: []string{"spec.stream.overrideName", "spec.stream.config.additionalSubjects", "spec.stream.config.noAck",
			"spec.stream.config.placement", "spec.stream.config.mirror", "spec.stream.config.sources",
			"spec.consumerConfigTemplate.maxDeliver", "spec.consumerConfigTemplate.filterSubject"},
	}, {
		name: "deliver policy needs its start",
		spec: NatsJetStreamChannelSpec{ConsumerConfigTemplate: &ConsumerConfigTemplate{DeliverPolicy: ByStartSequenceDeliverPolicy}},
		want: []string{"spec.consumerConfigTemplate.optStartSeq"},
	}, {
		name: "start without its deliver policy",
		spec: NatsJetStreamChannelSpec{ConsumerConfigTemplate: &ConsumerConfigTemplate{OptStartSeq: 4, OptStartTime: &now}},
		want: []string{"only with deliverPolicy ByStartSequence", "only with deliverPolicy ByStartTime"},
	}, {
		name: "bad consumer values",
		spec: NatsJetStreamChannelSpec{ConsumerConfigTemplate: &ConsumerConfigTemplate{DeliverPolicy: "Sometimes", ReplayPolicy: "Fast",
			AckWait: metav1.Duration{Duration: -time.Second}, MaxAckPending: -1, SampleFrequency: "120%"}},
		want: []string{"deliverPolicy", "replayPolicy", "ackWait", "maxAckPending", "sampleFrequency"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := (&NatsJetStreamChannel{Spec: tc.spec}).Validate().Err()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate passed, want errors %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestSetDefaults(t *testing.T) {
	c := &NatsJetStreamChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: NatsJetStreamChannelSpec{
		ChannelableSpec: messagingv1.ChannelableSpec{Delivery: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{
			Ref: &duck.KReference{APIVersion: "v1", Kind: "Service", Name: "dls"}}}}}}
	c.SetDefaults()
	if got := c.Spec.Delivery.DeadLetterSink.Ref.Namespace; got != "ns" {
		t.Errorf("dead letter sink namespace = %q, want ns", got)
	}
}
