package v1alpha1

import (
	"strconv"
	"strings"

	"github.com/knsim/knsim/system/apis/fielderr"
)

// MaxReplicas is the most replicas JetStream keeps of a stream.
const MaxReplicas = 5

// Validate checks a NatsJetStreamChannel: the subscribers and delivery as
// for every channel, and the stream and consumer settings. knsim honours
// the stream's retention (Interest or Limits), limits (maxMsgs, maxBytes,
// maxAge, maxMsgSize, maxConsumers), discard, storage, replicas and
// duplicateWindow, and the consumers' deliverPolicy (with optStartSeq and
// optStartTime), ackWait, maxAckPending, replayPolicy, rateLimitBPS and
// sampleFrequency. It refuses settings it cannot honour with a message
// saying so.
func (c *NatsJetStreamChannel) Validate() *fielderr.FieldError {
	s := &c.Spec
	return s.ChannelableSpec.Validate().
		Also(s.Stream.validate().ViaField("stream")).
		Also(s.ConsumerConfigTemplate.validate().ViaField("consumerConfigTemplate")).
		ViaField("spec")
}

// unsupported is the error of a setting knsim does not honour.
func unsupported(path, why string) *fielderr.FieldError {
	return fielderr.ErrGeneric("not supported by knsim: "+why, path)
}

func (s *Stream) validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	if s.OverrideName != "" {
		errs = errs.Also(unsupported("overrideName", "stream names are derived from the channel's namespace and name"))
	}
	if s.Config == nil {
		return errs
	}
	return errs.Also(s.Config.validate().ViaField("config"))
}

func (sc *StreamConfig) validate() *fielderr.FieldError {
	var errs *fielderr.FieldError
	switch sc.Retention {
	case "", InterestRetentionPolicy, LimitsRetentionPolicy:
	case WorkRetentionPolicy:
		errs = errs.Also(unsupported("retention", "every subscriber has its own consumer, which a work-queue stream does not allow"))
	default:
		errs = errs.Also(fielderr.ErrInvalidValue(sc.Retention, "retention", "expected Interest, Limits or Work"))
	}
	switch sc.Discard {
	case "", OldDiscardPolicy, NewDiscardPolicy:
	default:
		errs = errs.Also(fielderr.ErrInvalidValue(sc.Discard, "discard", "expected Old or New"))
	}
	switch sc.Storage {
	case "", FileStorage, MemoryStorage:
	default:
		errs = errs.Also(fielderr.ErrInvalidValue(sc.Storage, "storage", "expected File or Memory"))
	}
	for _, f := range []struct {
		path string
		v    int64
	}{{"maxConsumers", int64(sc.MaxConsumers)}, {"maxMsgs", sc.MaxMsgs}, {"maxBytes", sc.MaxBytes}, {"maxMsgSize", int64(sc.MaxMsgSize)}} {
		if f.v < 0 {
			errs = errs.Also(fielderr.ErrInvalidValue(f.v, f.path, "must not be negative"))
		}
	}
	if sc.MaxAge.Duration < 0 {
		errs = errs.Also(fielderr.ErrInvalidValue(sc.MaxAge.Duration.String(), "maxAge", "must not be negative"))
	}
	if sc.DuplicateWindow.Duration < 0 {
		errs = errs.Also(fielderr.ErrInvalidValue(sc.DuplicateWindow.Duration.String(), "duplicateWindow", "must not be negative"))
	}
	if sc.Replicas < 0 || sc.Replicas > MaxReplicas {
		errs = errs.Also(fielderr.ErrOutOfBoundsValue(sc.Replicas, 0, MaxReplicas, "replicas"))
	}
	if len(sc.AdditionalSubjects) > 0 {
		errs = errs.Also(unsupported("additionalSubjects", "a channel takes events only through its ingress"))
	}
	if sc.NoAck {
		errs = errs.Also(unsupported("noAck", "the ingress answers 202 only once JetStream has stored the event"))
	}
	if sc.Placement != nil {
		errs = errs.Also(unsupported("placement", "knsim runs a single JetStream server or uses the one it is given"))
	}
	if sc.Mirror != nil {
		errs = errs.Also(unsupported("mirror", "a channel's stream holds only the channel's events"))
	}
	if len(sc.Sources) > 0 {
		errs = errs.Also(unsupported("sources", "a channel's stream holds only the channel's events"))
	}
	return errs
}

func (cc *ConsumerConfigTemplate) validate() *fielderr.FieldError {
	if cc == nil {
		return nil
	}
	var errs *fielderr.FieldError
	switch cc.DeliverPolicy {
	case "", AllDeliverPolicy, LastDeliverPolicy, NewDeliverPolicy:
	case ByStartSequenceDeliverPolicy:
		if cc.OptStartSeq == 0 {
			errs = errs.Also(fielderr.ErrMissingField("optStartSeq"))
		}
	case ByStartTimeDeliverPolicy:
		if cc.OptStartTime == nil {
			errs = errs.Also(fielderr.ErrMissingField("optStartTime"))
		}
	default:
		errs = errs.Also(fielderr.ErrInvalidValue(cc.DeliverPolicy, "deliverPolicy", "expected All, Last, New, ByStartSequence or ByStartTime"))
	}
	if cc.OptStartSeq != 0 && cc.DeliverPolicy != ByStartSequenceDeliverPolicy {
		errs = errs.Also(fielderr.ErrGeneric("only with deliverPolicy ByStartSequence", "optStartSeq"))
	}
	if cc.OptStartTime != nil && cc.DeliverPolicy != ByStartTimeDeliverPolicy {
		errs = errs.Also(fielderr.ErrGeneric("only with deliverPolicy ByStartTime", "optStartTime"))
	}
	switch cc.ReplayPolicy {
	case "", InstantReplayPolicy, OriginalReplayPolicy:
	default:
		errs = errs.Also(fielderr.ErrInvalidValue(cc.ReplayPolicy, "replayPolicy", "expected Instant or Original"))
	}
	if cc.AckWait.Duration < 0 {
		errs = errs.Also(fielderr.ErrInvalidValue(cc.AckWait.Duration.String(), "ackWait", "must not be negative"))
	}
	if cc.MaxAckPending < 0 {
		errs = errs.Also(fielderr.ErrInvalidValue(cc.MaxAckPending, "maxAckPending", "must not be negative"))
	}
	if cc.MaxDeliver != 0 {
		errs = errs.Also(unsupported("maxDeliver", "it follows from the delivery's retry (1 + retry, plus spare deliveries for restarts)"))
	}
	if cc.FilterSubject != "" {
		errs = errs.Also(unsupported("filterSubject", "every consumer takes all of its channel's events"))
	}
	if cc.SampleFrequency != "" {
		if _, ok := ParseSampleFrequency(cc.SampleFrequency); !ok {
			errs = errs.Also(fielderr.ErrInvalidValue(cc.SampleFrequency, "sampleFrequency", `expected a percentage 0-100, as "30" or "30%"`))
		}
	}
	return errs
}

// ParseSampleFrequency reads a sample frequency, "30" or "30%", as a
// percentage 0-100.
func ParseSampleFrequency(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
	return n, err == nil && n >= 0 && n <= 100
}
