package delivery

import (
	"math"
	"time"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/apis/fielderr"
)

// BackoffVariant selects how Backoff grows with the retry number.
type BackoffVariant int

const (
	// BackoffDispatcher is what Knative's dispatcher does (the default):
	// before retry k, exponential waits delay*2^(k-1) and linear delay*(k-1),
	// so the first linear retry is immediate.
	BackoffDispatcher BackoffVariant = iota
	// BackoffDocs is what Knative's documentation says: exponential
	// delay*2^k and linear delay*k.
	BackoffDocs
)

// Policy is a resolved delivery spec: how many times to try, how long to
// wait between tries and for each try, and where failures go.
type Policy struct {
	// Retry is the number of retries after the first attempt (>= 0).
	Retry int
	// BackoffPolicy is linear or exponential; "" means no wait between
	// retries, as does a zero BackoffDelay.
	BackoffPolicy duck.BackoffPolicyType
	// BackoffDelay is the base delay of the backoff.
	BackoffDelay time.Duration
	// Variant picks the backoff formula; the zero value is BackoffDispatcher.
	Variant BackoffVariant
	// Timeout bounds each attempt; 0 means no bound.
	Timeout time.Duration
	// RetryAfterMax, when set, makes 429 and 503 answers' Retry-After count,
	// capped at *RetryAfterMax (so PT0S ignores them); nil ignores them.
	RetryAfterMax *time.Duration
	// DeadLetterURI receives events whose delivery failed; "" drops them.
	DeadLetterURI string
}

// NoRetry is the policy with no spec at all: one attempt, no dead letters.
func NoRetry() Policy { return Policy{} }

// Defaults of a Broker's delivery in Knative's config-br-defaults.
const (
	// BrokerDefaultRetry is the default number of retries.
	BrokerDefaultRetry = 10
	// BrokerDefaultBackoffDelay is the default (exponential) backoff delay.
	BrokerDefaultBackoffDelay = "PT0.2S"
)

// BrokerDefaultSpec returns the delivery spec a Broker gets when it sets
// none: retry 10, exponential backoff, PT0.2S.
func BrokerDefaultSpec() *duck.DeliverySpec {
	return ExponentialSpec(BrokerDefaultRetry, BrokerDefaultBackoffDelay)
}

// ExponentialSpec is a delivery spec of retry retries with exponential
// backoff from delay (ISO-8601).
func ExponentialSpec(retry int32, delay string) *duck.DeliverySpec {
	policy := duck.BackoffPolicyExponential
	return &duck.DeliverySpec{Retry: &retry, BackoffPolicy: &policy, BackoffDelay: &delay}
}

// BrokerDefault is BrokerDefaultSpec as a Policy.
func BrokerDefault() Policy {
	p, err := FromSpec(BrokerDefaultSpec())
	if err != nil {
		panic(err) // the constant spec above always parses
	}
	return p
}

// FromSpec resolves a DeliverySpec; nil means NoRetry. The dead letter
// sink's URI is taken when it is set without a Ref (an absolute URI); a
// Ref must be resolved by the control plane, which then sets
// Policy.DeadLetterURI. Errors carry the field path, e.g. "backoffDelay".
func FromSpec(spec *duck.DeliverySpec) (Policy, error) {
	if spec == nil {
		return NoRetry(), nil
	}
	if err := ValidateSpec(spec).Err(); err != nil {
		return Policy{}, err
	}
	var p Policy
	if spec.Retry != nil {
		p.Retry = int(*spec.Retry)
	}
	if spec.BackoffPolicy != nil && spec.BackoffDelay != nil {
		p.BackoffPolicy = *spec.BackoffPolicy
		p.BackoffDelay, _ = ParseDuration(*spec.BackoffDelay)
	}
	if spec.Timeout != nil {
		p.Timeout, _ = ParseDuration(*spec.Timeout)
	}
	if spec.RetryAfterMax != nil {
		d, _ := ParseDuration(*spec.RetryAfterMax)
		p.RetryAfterMax = &d
	}
	if dls := spec.DeadLetterSink; dls != nil && dls.Ref == nil {
		p.DeadLetterURI = dls.URI
	}
	return p, nil
}

// ValidateSpec checks a DeliverySpec as admission does: retry >= 0, a known
// backoff policy, ISO-8601 durations, a positive timeout and a dead letter
// sink with a ref or a URI. Paths are relative to the spec.
func ValidateSpec(spec *duck.DeliverySpec) *fielderr.FieldError {
	if spec == nil {
		return nil
	}
	var errs *fielderr.FieldError
	if spec.Retry != nil && *spec.Retry < 0 {
		errs = errs.Also(fielderr.ErrInvalidValue(*spec.Retry, "retry", "must be >= 0"))
	}
	if bp := spec.BackoffPolicy; bp != nil && *bp != duck.BackoffPolicyLinear && *bp != duck.BackoffPolicyExponential {
		errs = errs.Also(fielderr.ErrInvalidValue(*bp, "backoffPolicy", "must be linear or exponential"))
	}
	for _, f := range []struct {
		path     string
		value    *string
		positive bool
	}{
		{"backoffDelay", spec.BackoffDelay, false},
		{"timeout", spec.Timeout, true},
		{"retryAfterMax", spec.RetryAfterMax, false},
	} {
		if f.value == nil {
			continue
		}
		d, err := ParseDuration(*f.value)
		switch {
		case err != nil:
			errs = errs.Also(fielderr.ErrInvalidValue(*f.value, f.path, err.Error()))
		case f.positive && d == 0:
			errs = errs.Also(fielderr.ErrInvalidValue(*f.value, f.path, "must be greater than zero"))
		}
	}
	if dls := spec.DeadLetterSink; dls != nil && dls.Ref == nil && dls.URI == "" {
		errs = errs.Also(fielderr.ErrMissingOneOf("deadLetterSink.ref", "deadLetterSink.uri"))
	}
	return errs
}

// Attempts is the total number of tries: 1 + Retry.
func (p Policy) Attempts() int {
	if p.Retry < 0 {
		return 1
	}
	return 1 + p.Retry
}

// Backoff is the wait before retry k (k = 1 for the second attempt). It is
// zero without a policy or delay, and saturates instead of overflowing.
func (p Policy) Backoff(k int) time.Duration {
	if k < 1 || p.BackoffDelay <= 0 {
		return 0
	}
	n := k - 1
	if p.Variant == BackoffDocs {
		n = k
	}
	switch p.BackoffPolicy {
	case duck.BackoffPolicyExponential:
		return mulSat(p.BackoffDelay, shiftSat(n))
	case duck.BackoffPolicyLinear:
		return mulSat(p.BackoffDelay, int64(n))
	default:
		return 0
	}
}

// shiftSat is 2^n, saturated at MaxInt64.
func shiftSat(n int) int64 {
	if n >= 63 {
		return math.MaxInt64
	}
	return int64(1) << n
}

// mulSat is d*m, saturated at the longest Duration.
func mulSat(d time.Duration, m int64) time.Duration {
	if m == 0 || d == 0 {
		return 0
	}
	if int64(d) > math.MaxInt64/m {
		return time.Duration(math.MaxInt64)
	}
	return d * time.Duration(m)
}

// WithoutDeadLetter is p with no dead letter sink, the policy used to send
// to the dead letter sink itself.
func (p Policy) WithoutDeadLetter() Policy {
	p.DeadLetterURI = ""
	return p
}
