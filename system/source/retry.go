package source

import (
	"fmt"
	"net/http"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/delivery"
)

// How a source adapter sends to its sink. Knative's adapters send with the
// CloudEvents SDK client, which retries only when the send's context asks
// for it: the PingSource and ApiServerSource adapters do, with
// cloudevents.ContextWithRetriesExponentialBackoff(ctx, 50ms, 5)
// (knative.dev/eventing pkg/adapter/mtping/runner.go and
// pkg/adapter/apiserver/events/events.go). The SDK then waits Period*2^k
// before retry k (Period*k when linear), stops after MaxTries retries, and
// retries a transport error or one of the statuses of its
// defaultRetriableErrors (sdk-go v2 protocol/http/protocol.go): 404, 413,
// 425, 429, 502, 503 and 504. A 500 is not retried. The attempt has no
// timeout unless K_SINK_TIMEOUT is set.
const (
	// AdapterRetry is the adapters' number of retries after the first send.
	AdapterRetry = 5
	// AdapterBackoffDelay is the adapters' backoff period, ISO-8601.
	AdapterBackoffDelay = "PT0.05S"
)

// AdapterDefaultSpec returns the adapters' retry as a delivery spec:
// retry 5, exponential, PT0.05S.
func AdapterDefaultSpec() *duck.DeliverySpec {
	return delivery.ExponentialSpec(AdapterRetry, AdapterBackoffDelay)
}

// AdapterPolicy resolves how an adapter retries: spec's retry,
// backoffPolicy, backoffDelay and timeout, each defaulting to the
// adapters' (a nil spec is AdapterDefaultSpec). The backoff follows the
// SDK's formula (delivery.BackoffDocs). A dead letter sink or
// retryAfterMax has no meaning for an adapter and is refused.
func AdapterPolicy(spec *duck.DeliverySpec) (delivery.Policy, error) {
	def := AdapterDefaultSpec()
	merged := *def
	if spec != nil {
		if spec.DeadLetterSink != nil {
			return delivery.Policy{}, fmt.Errorf("deadLetterSink: a source adapter has no dead letter sink")
		}
		if spec.RetryAfterMax != nil {
			return delivery.Policy{}, fmt.Errorf("retryAfterMax: a source adapter does not read Retry-After")
		}
		if spec.Retry != nil {
			merged.Retry = spec.Retry
		}
		if spec.BackoffPolicy != nil {
			merged.BackoffPolicy = spec.BackoffPolicy
		}
		if spec.BackoffDelay != nil {
			merged.BackoffDelay = spec.BackoffDelay
		}
		merged.Timeout = spec.Timeout
	}
	p, err := delivery.FromSpec(&merged)
	if err != nil {
		return delivery.Policy{}, err
	}
	p.Variant = delivery.BackoffDocs
	return p, nil
}

// AdapterRetriable reports whether an adapter's CloudEvents client retries
// a send answered with status (the SDK's defaultRetriableErrors).
func AdapterRetriable(status int) bool {
	switch status {
	case http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusTooEarly,
		http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// AdapterOptions are the delivery options of an adapter's send: its
// retriable statuses, and any 2xx is taken (the SDK reads no reply).
func AdapterOptions() delivery.Options {
	return delivery.Options{Retriable: AdapterRetriable, DiscardNonEventReply: true}
}
