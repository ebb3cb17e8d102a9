package jetstream

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	messagingv1alpha1 "github.com/knsim/knsim/system/apis/messaging/v1alpha1"
)

// ChannelOptions are one channel's stream and consumer settings, from a
// NatsJetStreamChannel's spec (OptionsFromAPI). The zero value is the
// class default: file storage (or Config.MemoryStorage), interest
// retention, no limits, consumers that start with new events.
type ChannelOptions struct {
	// LimitsRetention selects limits retention instead of interest.
	LimitsRetention bool
	// MaxMsgs, MaxBytes, MaxAge, MaxMsgSize and MaxConsumers bound the
	// stream; 0 means no limit.
	MaxMsgs, MaxBytes int64
	// MaxAge is how long the stream keeps an event; 0 means forever.
	MaxAge time.Duration
	// MaxMsgSize bounds one stored event in bytes; 0 means no limit.
	MaxMsgSize int32
	// MaxConsumers bounds the subscribers; 0 means no limit.
	MaxConsumers int
	// DiscardNew makes a full stream refuse events (the ingress answers
	// 503) instead of dropping the oldest.
	DiscardNew bool
	// Storage overrides Config.MemoryStorage when set.
	Storage *jetstream.StorageType
	// Replicas overrides Config.Replicas when > 0.
	Replicas int
	// Duplicates is the stream's deduplication window; 0 means the
	// server's default.
	Duplicates time.Duration
	// DeliverPolicy of new consumers; the zero value (DeliverAllPolicy)
	// is replaced by DeliverNewPolicy unless DeliverAll is set.
	DeliverPolicy jetstream.DeliverPolicy
	// DeliverAll makes DeliverPolicy's zero value mean "all".
	DeliverAll bool
	// OptStartSeq and OptStartTime go with the by-sequence and by-time
	// deliver policies.
	OptStartSeq uint64
	// OptStartTime is the start of the by-time deliver policy.
	OptStartTime *time.Time
	// AckWait overrides Config.AckWait when larger (in-progress signals
	// go out every Config.AckWait/3, so a shorter one is not honoured).
	AckWait time.Duration
	// MaxAckPending overrides Config.MaxAckPending when > 0.
	MaxAckPending int
	// ReplayOriginal replays stored events at their original rate.
	ReplayOriginal bool
	// RateLimitBPS throttles a consumer's delivery, in bits per second.
	RateLimitBPS uint64
	// SampleFrequency of acks, as "30" or "30%".
	SampleFrequency string
}

// OptionsFromAPI turns a NatsJetStreamChannel's stream and consumer
// settings into ChannelOptions; settings knsim does not honour are an error
// (the webhook refuses them too).
func OptionsFromAPI(stream messagingv1alpha1.Stream, cc *messagingv1alpha1.ConsumerConfigTemplate) (ChannelOptions, error) {
	probe := &messagingv1alpha1.NatsJetStreamChannel{Spec: messagingv1alpha1.NatsJetStreamChannelSpec{Stream: stream, ConsumerConfigTemplate: cc}}
	if err := probe.Validate().Err(); err != nil {
		return ChannelOptions{}, err
	}
	var o ChannelOptions
	if sc := stream.Config; sc != nil {
		o.LimitsRetention = sc.Retention == messagingv1alpha1.LimitsRetentionPolicy
		o.MaxMsgs, o.MaxBytes, o.MaxAge = sc.MaxMsgs, sc.MaxBytes, sc.MaxAge.Duration
		o.MaxMsgSize, o.MaxConsumers = sc.MaxMsgSize, sc.MaxConsumers
		o.DiscardNew = sc.Discard == messagingv1alpha1.NewDiscardPolicy
		switch sc.Storage {
		case messagingv1alpha1.FileStorage:
			st := jetstream.FileStorage
			o.Storage = &st
		case messagingv1alpha1.MemoryStorage:
			st := jetstream.MemoryStorage
			o.Storage = &st
		}
		o.Replicas, o.Duplicates = sc.Replicas, sc.DuplicateWindow.Duration
	}
	if cc == nil {
		return o, nil
	}
	switch cc.DeliverPolicy {
	case messagingv1alpha1.AllDeliverPolicy:
		o.DeliverPolicy, o.DeliverAll = jetstream.DeliverAllPolicy, true
	case messagingv1alpha1.LastDeliverPolicy:
		o.DeliverPolicy = jetstream.DeliverLastPolicy
	case messagingv1alpha1.ByStartSequenceDeliverPolicy:
		o.DeliverPolicy, o.OptStartSeq = jetstream.DeliverByStartSequencePolicy, cc.OptStartSeq
	case messagingv1alpha1.ByStartTimeDeliverPolicy:
		t := cc.OptStartTime.Time
		o.DeliverPolicy, o.OptStartTime = jetstream.DeliverByStartTimePolicy, &t
	}
	o.AckWait, o.MaxAckPending = cc.AckWait.Duration, cc.MaxAckPending
	o.ReplayOriginal = cc.ReplayPolicy == messagingv1alpha1.OriginalReplayPolicy
	o.RateLimitBPS = cc.RateLimitBPS
	if cc.SampleFrequency != "" {
		n, _ := messagingv1alpha1.ParseSampleFrequency(cc.SampleFrequency)
		o.SampleFrequency = fmt.Sprintf("%d%%", n)
	}
	return o, nil
}

// streamConfig is the stream of channel st under o.
func (c *Channels) streamConfig(st *chanState, o ChannelOptions) jetstream.StreamConfig {
	sc := jetstream.StreamConfig{
		Name:         st.stream,
		Description:  "knsim channel " + st.key.String(),
		Subjects:     []string{st.subject},
		Retention:    jetstream.InterestPolicy,
		Storage:      jetstream.FileStorage,
		Replicas:     c.cfg.Replicas,
		Discard:      jetstream.DiscardOld,
		MaxMsgs:      o.MaxMsgs,
		MaxBytes:     o.MaxBytes,
		MaxAge:       o.MaxAge,
		MaxMsgSize:   o.MaxMsgSize,
		MaxConsumers: o.MaxConsumers,
		Duplicates:   o.Duplicates,
	}
	if c.cfg.MemoryStorage {
		sc.Storage = jetstream.MemoryStorage
	}
	if o.Storage != nil {
		sc.Storage = *o.Storage
	}
	if o.LimitsRetention {
		sc.Retention = jetstream.LimitsPolicy
	}
	if o.DiscardNew {
		sc.Discard = jetstream.DiscardNew
	}
	if o.Replicas > 0 {
		sc.Replicas = o.Replicas
	}
	// The server reads 0 as a limit of zero for these; -1 is none.
	for _, p := range []*int64{&sc.MaxMsgs, &sc.MaxBytes} {
		if *p == 0 {
			*p = -1
		}
	}
	if sc.MaxConsumers == 0 {
		sc.MaxConsumers = -1
	}
	if sc.MaxMsgSize == 0 {
		sc.MaxMsgSize = -1
	}
	return sc
}

// consumerConfig is the durable consumer of subscriber s on channel st.
func (c *Channels) consumerConfig(st *chanState, s *Subscriber) jetstream.ConsumerConfig {
	o := st.opts
	cc := jetstream.ConsumerConfig{
		Durable:         durableFor(s),
		Description:     "knsim subscription " + subscriberLabel(s) + " -> " + s.SubscriberURI,
		Metadata:        map[string]string{metaSubscription: s.Name, metaSubscriptionUID: s.UID},
		DeliverPolicy:   jetstream.DeliverNewPolicy,
		AckPolicy:       jetstream.AckExplicitPolicy,
		AckWait:         max(c.cfg.AckWait, o.AckWait),
		MaxDeliver:      s.Delivery.Attempts() + c.cfg.SpareDeliveries,
		MaxAckPending:   c.cfg.MaxAckPending,
		FilterSubject:   st.subject,
		Replicas:        c.cfg.Replicas,
		RateLimit:       o.RateLimitBPS,
		SampleFrequency: o.SampleFrequency,
		OptStartSeq:     o.OptStartSeq,
		OptStartTime:    o.OptStartTime,
	}
	if o.DeliverPolicy != jetstream.DeliverAllPolicy || o.DeliverAll {
		cc.DeliverPolicy = o.DeliverPolicy
	}
	if o.MaxAckPending > 0 {
		cc.MaxAckPending = o.MaxAckPending
	}
	if o.Replicas > 0 {
		cc.Replicas = o.Replicas
	}
	if o.ReplayOriginal {
		cc.ReplayPolicy = jetstream.ReplayOriginalPolicy
	}
	return cc
}
