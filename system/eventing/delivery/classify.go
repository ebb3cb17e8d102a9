package delivery

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// IsSuccess reports whether an HTTP status means the destination took the
// event: any 2xx. Everything else is a failure.
func IsSuccess(status int) bool {
	return status >= 200 && status < 300
}

// Retriable reports whether a failed attempt with this HTTP status is
// retried, as Knative's SelectiveRetry: 5xx, 404 (a pod may still be
// starting), 408, 409 and 429 are; 1xx, 3xx and the other 4xx are not.
// Transport errors and timeouts, which have no status, are always retried
// (see Attempt.Err).
func Retriable(status int) bool {
	switch {
	case status >= 500:
		return true
	case status == http.StatusNotFound, status == http.StatusRequestTimeout,
		status == http.StatusConflict, status == http.StatusTooManyRequests:
		return true
	default:
		return false
	}
}

// honoursRetryAfter reports whether Retry-After is read for this status:
// only 429 and 503.
func honoursRetryAfter(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// ParseRetryAfter reads a Retry-After header value, either delay-seconds or
// an HTTP-date (relative to now). It returns 0 and false when the value is
// empty or invalid; a date in the past is 0 and true.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64((1<<63-1)/int64(time.Second)) {
			return time.Duration(1<<63 - 1), true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// RetryWait is the wait before retry k after a failure with this status
// and Retry-After header: Backoff(k), or the Retry-After delay when it is
// honoured (429/503 with RetryAfterMax set), capped at RetryAfterMax and
// longer than the backoff.
func (p Policy) RetryWait(k, status int, retryAfter string, now time.Time) time.Duration {
	wait := p.Backoff(k)
	if p.RetryAfterMax == nil || !honoursRetryAfter(status) {
		return wait
	}
	ra, ok := ParseRetryAfter(retryAfter, now)
	if !ok {
		return wait
	}
	if ra > *p.RetryAfterMax {
		ra = *p.RetryAfterMax
	}
	if ra > wait {
		return ra
	}
	return wait
}
