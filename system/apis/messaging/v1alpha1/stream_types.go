package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RetentionPolicy says how long a stream keeps an event.
type RetentionPolicy string

// Retention policies.
const (
	// InterestRetentionPolicy keeps an event until every consumer has
	// settled it (knsim's default).
	InterestRetentionPolicy RetentionPolicy = "Interest"
	// LimitsRetentionPolicy keeps events until the stream's limits drop
	// them.
	LimitsRetentionPolicy RetentionPolicy = "Limits"
	// WorkRetentionPolicy keeps an event until one consumer settled it.
	WorkRetentionPolicy RetentionPolicy = "Work"
)

// DiscardPolicy says what a full stream does.
type DiscardPolicy string

// Discard policies.
const (
	// OldDiscardPolicy drops the oldest events to make room.
	OldDiscardPolicy DiscardPolicy = "Old"
	// NewDiscardPolicy refuses new events.
	NewDiscardPolicy DiscardPolicy = "New"
)

// Storage is where a stream keeps its events.
type Storage string

// Storage kinds.
const (
	// FileStorage keeps events on disk.
	FileStorage Storage = "File"
	// MemoryStorage keeps events in the server's memory: they do not
	// survive a server restart.
	MemoryStorage Storage = "Memory"
)

// DeliverPolicy says where in the stream a new consumer starts.
type DeliverPolicy string

// Deliver policies.
const (
	// AllDeliverPolicy starts at the first event the stream holds.
	AllDeliverPolicy DeliverPolicy = "All"
	// LastDeliverPolicy starts at the last event the stream holds.
	LastDeliverPolicy DeliverPolicy = "Last"
	// NewDeliverPolicy starts with the events published after the
	// consumer exists (knsim's default).
	NewDeliverPolicy DeliverPolicy = "New"
	// ByStartSequenceDeliverPolicy starts at OptStartSeq.
	ByStartSequenceDeliverPolicy DeliverPolicy = "ByStartSequence"
	// ByStartTimeDeliverPolicy starts at OptStartTime.
	ByStartTimeDeliverPolicy DeliverPolicy = "ByStartTime"
)

// ReplayPolicy says how fast a consumer replays stored events.
type ReplayPolicy string

// Replay policies.
const (
	// InstantReplayPolicy delivers as fast as the consumer takes them.
	InstantReplayPolicy ReplayPolicy = "Instant"
	// OriginalReplayPolicy delivers at the rate they were published.
	OriginalReplayPolicy ReplayPolicy = "Original"
)

// Stream configures a channel's stream.
type Stream struct {
	// OverrideName replaces the generated stream name.
	// +optional
	OverrideName string `json:"overrideName,omitempty"`
	// Config is the stream's configuration.
	// +optional
	Config *StreamConfig `json:"config,omitempty"`
}

// StreamConfig is the JetStream configuration of a channel's stream.
type StreamConfig struct {
	// AdditionalSubjects the stream also takes events from.
	// +optional
	AdditionalSubjects []string `json:"additionalSubjects,omitempty"`
	// Retention is the stream's retention policy.
	// +optional
	Retention RetentionPolicy `json:"retention,omitempty"`
	// MaxConsumers bounds the consumers (subscribers) of the stream.
	// +optional
	MaxConsumers int `json:"maxConsumers,omitempty"`
	// MaxMsgs bounds the events the stream holds.
	// +optional
	MaxMsgs int64 `json:"maxMsgs,omitempty"`
	// MaxBytes bounds the bytes the stream holds.
	// +optional
	MaxBytes int64 `json:"maxBytes,omitempty"`
	// Discard says what a full stream does.
	// +optional
	Discard DiscardPolicy `json:"discard,omitempty"`
	// MaxAge is how long the stream keeps an event at most.
	// +optional
	MaxAge metav1.Duration `json:"maxAge,omitempty"`
	// MaxMsgSize bounds one event in bytes.
	// +optional
	MaxMsgSize int32 `json:"maxMsgSize,omitempty"`
	// Storage is where the stream keeps its events.
	// +optional
	Storage Storage `json:"storage,omitempty"`
	// Replicas of the stream in a clustered JetStream.
	// +optional
	Replicas int `json:"replicas,omitempty"`
	// NoAck turns off publish acknowledgements.
	// +optional
	NoAck bool `json:"noAck,omitempty"`
	// DuplicateWindow is how long published message IDs are remembered
	// for deduplication.
	// +optional
	DuplicateWindow metav1.Duration `json:"duplicateWindow,omitempty"`
	// Placement picks servers of a clustered JetStream.
	// +optional
	Placement *StreamPlacement `json:"placement,omitempty"`
	// Mirror makes the stream a mirror of another.
	// +optional
	Mirror *StreamSource `json:"mirror,omitempty"`
	// Sources are streams this one aggregates.
	// +optional
	Sources []StreamSource `json:"sources,omitempty"`
}

// StreamPlacement picks the servers of a clustered JetStream.
type StreamPlacement struct {
	// Cluster to place the stream in.
	// +optional
	Cluster string `json:"cluster,omitempty"`
	// Tags the servers must have.
	// +optional
	Tags []string `json:"tags,omitempty"`
}

// StreamSource names another stream to take events from.
type StreamSource struct {
	// Name of the source stream.
	// +optional
	Name string `json:"name,omitempty"`
	// OptStartSeq is the first sequence to take.
	// +optional
	OptStartSeq uint64 `json:"optStartSeq,omitempty"`
	// OptStartTime is when to start taking events.
	// +optional
	OptStartTime *metav1.Time `json:"optStartTime,omitempty"`
	// FilterSubject limits the source to one subject.
	// +optional
	FilterSubject string `json:"filterSubject,omitempty"`
}

// ConsumerConfigTemplate configures the durable consumer of each
// subscriber. Ack policy (explicit) and the consumer's name (from the
// Subscription) are fixed.
type ConsumerConfigTemplate struct {
	// DeliverPolicy says where a new consumer starts.
	// +optional
	DeliverPolicy DeliverPolicy `json:"deliverPolicy,omitempty"`
	// OptStartSeq is the first sequence with ByStartSequence.
	// +optional
	OptStartSeq uint64 `json:"optStartSeq,omitempty"`
	// OptStartTime is the start with ByStartTime.
	// +optional
	OptStartTime *metav1.Time `json:"optStartTime,omitempty"`
	// AckWait is how long JetStream waits for an ack before it
	// redelivers.
	// +optional
	AckWait metav1.Duration `json:"ackWait,omitempty"`
	// MaxDeliver bounds the deliveries of one event.
	// +optional
	MaxDeliver int `json:"maxDeliver,omitempty"`
	// FilterSubject limits the consumer to one subject.
	// +optional
	FilterSubject string `json:"filterSubject,omitempty"`
	// ReplayPolicy says how fast stored events are replayed.
	// +optional
	ReplayPolicy ReplayPolicy `json:"replayPolicy,omitempty"`
	// RateLimitBPS throttles delivery, in bits per second.
	// +optional
	RateLimitBPS uint64 `json:"rateLimitBPS,omitempty"`
	// SampleFrequency is the percentage of acks sampled for observability
	// ("30" or "30%").
	// +optional
	SampleFrequency string `json:"sampleFrequency,omitempty"`
	// MaxAckPending bounds the unacknowledged events in flight.
	// +optional
	MaxAckPending int `json:"maxAckPending,omitempty"`
}
