package duck

// KReference points at an object by kind, name and (optionally) namespace.
type KReference struct {
	// Kind of the referent.
	Kind string `json:"kind"`
	// Namespace of the referent; defaults to the referrer's.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// Name of the referent.
	Name string `json:"name"`
	// APIVersion of the referent.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
}

// Destination is where events go: an Addressable object, a URI, or a URI
// relative to the object's address.
type Destination struct {
	// Ref points at an Addressable.
	// +optional
	Ref *KReference `json:"ref,omitempty"`
	// URI is absolute, or relative to Ref's address when both are set.
	// +optional
	URI string `json:"uri,omitempty"`
}

// BackoffPolicyType is linear or exponential.
// +kubebuilder:validation:Enum=linear;exponential
type BackoffPolicyType string

const (
	// BackoffPolicyLinear waits delay*(k-1) before retry k (knsim's default
	// interpretation; see docs/semantics.md).
	BackoffPolicyLinear BackoffPolicyType = "linear"
	// BackoffPolicyExponential waits delay*2^(k-1) before retry k.
	BackoffPolicyExponential BackoffPolicyType = "exponential"
)

// DeliverySpec says how events are retried and where failures go.
type DeliverySpec struct {
	// DeadLetterSink receives events that exhausted their retries.
	// +optional
	DeadLetterSink *Destination `json:"deadLetterSink,omitempty"`
	// Retry is the number of retries after the first attempt.
	// +optional
	Retry *int32 `json:"retry,omitempty"`
	// BackoffPolicy is linear or exponential.
	// +optional
	BackoffPolicy *BackoffPolicyType `json:"backoffPolicy,omitempty"`
	// BackoffDelay is an ISO-8601 duration, e.g. PT0.2S.
	// +optional
	BackoffDelay *string `json:"backoffDelay,omitempty"`
	// Timeout bounds each attempt, ISO-8601.
	// +optional
	Timeout *string `json:"timeout,omitempty"`
	// RetryAfterMax caps honoured Retry-After headers, ISO-8601; unset means
	// Retry-After is ignored.
	// +optional
	RetryAfterMax *string `json:"retryAfterMax,omitempty"`
}

// DeliveryStatus reports the resolved dead letter sink.
type DeliveryStatus struct {
	// DeadLetterSinkURI is the resolved dead letter sink.
	// +optional
	DeadLetterSinkURI string `json:"deadLetterSinkUri,omitempty"`
}

// SubscriberSpec is one subscriber of a channel, resolved to URIs.
type SubscriberSpec struct {
	// UID of the Subscription.
	// +optional
	UID string `json:"uid,omitempty"`
	// Generation of the Subscription.
	// +optional
	Generation int64 `json:"generation,omitempty"`
	// SubscriberURI receives events.
	// +optional
	SubscriberURI string `json:"subscriberUri,omitempty"`
	// ReplyURI receives the subscriber's replies.
	// +optional
	ReplyURI string `json:"replyUri,omitempty"`
	// Delivery for this subscriber.
	// +optional
	Delivery *DeliverySpec `json:"delivery,omitempty"`
}

// SubscriberStatus reports one subscriber's readiness on a channel.
type SubscriberStatus struct {
	// UID of the Subscription.
	// +optional
	UID string `json:"uid,omitempty"`
	// ObservedGeneration of the Subscription.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Ready is True, False or Unknown.
	Ready string `json:"ready"`
	// Message explains a not-ready subscriber.
	// +optional
	Message string `json:"message,omitempty"`
}

// SourceSpec is what every source shares: the sink and CloudEvent overrides.
type SourceSpec struct {
	// Sink receives the events.
	Sink Destination `json:"sink"`
	// CloudEventOverrides adds extensions to every event.
	// +optional
	CloudEventOverrides *CloudEventOverrides `json:"ceOverrides,omitempty"`
}

// CloudEventOverrides are extension attributes set on every emitted event.
type CloudEventOverrides struct {
	// Extensions to add or override.
	// +optional
	Extensions map[string]string `json:"extensions,omitempty"`
}

// SourceStatus is what every source reports.
type SourceStatus struct {
	Status `json:",inline"`
	// SinkURI is the resolved sink.
	// +optional
	SinkURI string `json:"sinkUri,omitempty"`
	// CloudEventAttributes lists the types and sources emitted.
	// +optional
	CloudEventAttributes []CloudEventAttributes `json:"ceAttributes,omitempty"`
}

// CloudEventAttributes names an emitted type and source.
type CloudEventAttributes struct {
	// Type of the events.
	// +optional
	Type string `json:"type,omitempty"`
	// Source of the events.
	// +optional
	Source string `json:"source,omitempty"`
}
