package delivery

import (
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
)

func ptr[T any](v T) *T { return &v }

func TestFromSpec(t *testing.T) {
	exp := duck.BackoffPolicyExponential
	lin := duck.BackoffPolicyLinear
	tests := []struct {
		name    string
		spec    *duck.DeliverySpec
		want    Policy
		wantErr string
	}{
		{name: "nil spec: no retry", spec: nil, want: Policy{}},
		{name: "empty spec", spec: &duck.DeliverySpec{}, want: Policy{}},
		{name: "broker default", spec: BrokerDefaultSpec(), want: Policy{
			Retry: 10, BackoffPolicy: exp, BackoffDelay: 200 * time.Millisecond,
		}},
		{name: "everything", spec: &duck.DeliverySpec{
			Retry: ptr(int32(3)), BackoffPolicy: &lin, BackoffDelay: ptr("PT1S"),
			Timeout: ptr("PT30S"), RetryAfterMax: ptr("PT2M"),
			DeadLetterSink: &duck.Destination{URI: "http://dls.example/"},
		}, want: Policy{
			Retry: 3, BackoffPolicy: lin, BackoffDelay: time.Second, Timeout: 30 * time.Second,
			RetryAfterMax: ptr(2 * time.Minute), DeadLetterURI: "http://dls.example/",
		}},
		{name: "delay without policy has no backoff", spec: &duck.DeliverySpec{
			Retry: ptr(int32(2)), BackoffDelay: ptr("PT1S"),
		}, want: Policy{Retry: 2}},
		{name: "policy without delay has no backoff", spec: &duck.DeliverySpec{
			Retry: ptr(int32(2)), BackoffPolicy: &exp,
		}, want: Policy{Retry: 2}},
		{name: "dead letter ref left to the control plane", spec: &duck.DeliverySpec{
			DeadLetterSink: &duck.Destination{Ref: &duck.KReference{Kind: "Service", Name: "dls"}},
		}, want: Policy{}},
		{name: "retry after max zero", spec: &duck.DeliverySpec{RetryAfterMax: ptr("PT0S")},
			want: Policy{RetryAfterMax: ptr(time.Duration(0))}},
		{name: "negative retry", spec: &duck.DeliverySpec{Retry: ptr(int32(-1))},
			wantErr: "invalid value: -1: retry"},
		{name: "bad policy", spec: &duck.DeliverySpec{BackoffPolicy: ptr(duck.BackoffPolicyType("random"))},
			wantErr: "invalid value: random: backoffPolicy"},
		{name: "bad delay", spec: &duck.DeliverySpec{BackoffPolicy: &exp, BackoffDelay: ptr("0.2s")},
			wantErr: "invalid value: 0.2s: backoffDelay"},
		{name: "bad timeout", spec: &duck.DeliverySpec{Timeout: ptr("PT")},
			wantErr: "invalid value: PT: timeout"},
		{name: "zero timeout", spec: &duck.DeliverySpec{Timeout: ptr("PT0S")},
			wantErr: "invalid value: PT0S: timeout\nmust be greater than zero"},
		{name: "bad retryAfterMax", spec: &duck.DeliverySpec{RetryAfterMax: ptr("P1M")},
			wantErr: "invalid value: P1M: retryAfterMax"},
		{name: "empty dead letter sink", spec: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{}},
			wantErr: "expected exactly one, got neither: deadLetterSink.ref, deadLetterSink.uri"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromSpec(tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("FromSpec error = %v, want prefix %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FromSpec (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBackoffSequences(t *testing.T) {
	d := 200 * time.Millisecond
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name   string
		policy Policy
		want   []time.Duration // Backoff(1..len)
	}{
		{name: "exponential dispatcher", policy: Policy{BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: d},
			want: ms(200, 400, 800, 1600, 3200)},
		{name: "linear dispatcher", policy: Policy{BackoffPolicy: duck.BackoffPolicyLinear, BackoffDelay: d},
			want: ms(0, 200, 400, 600, 800)},
		{name: "exponential docs", policy: Policy{BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: d, Variant: BackoffDocs},
			want: ms(400, 800, 1600, 3200, 6400)},
		{name: "linear docs", policy: Policy{BackoffPolicy: duck.BackoffPolicyLinear, BackoffDelay: d, Variant: BackoffDocs},
			want: ms(200, 400, 600, 800, 1000)},
		{name: "no policy", policy: Policy{BackoffDelay: d}, want: ms(0, 0, 0)},
		{name: "no delay", policy: Policy{BackoffPolicy: duck.BackoffPolicyExponential}, want: ms(0, 0, 0)},
		{name: "broker default", policy: BrokerDefault(),
			want: ms(200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []time.Duration
			for k := 1; k <= len(tc.want); k++ {
				got = append(got, tc.policy.Backoff(k))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Backoff(1..%d) (-want +got):\n%s", len(tc.want), diff)
			}
		})
	}
	t.Run("saturates", func(t *testing.T) {
		p := Policy{BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: time.Second}
		if got := p.Backoff(100); got != time.Duration(math.MaxInt64) {
			t.Errorf("Backoff(100) = %v", got)
		}
		if got := p.Backoff(0); got != 0 {
			t.Errorf("Backoff(0) = %v", got)
		}
	})
}

func TestRetriable(t *testing.T) {
	want := map[int]bool{
		100: false, 200: false, 202: false, 204: false,
		300: false, 301: false, 302: false, 304: false, 399: false,
		400: false, 401: false, 403: false, 404: true, 405: false, 406: false,
		408: true, 409: true, 410: false, 413: false, 415: false, 422: false, 429: true, 499: false,
		500: true, 501: true, 502: true, 503: true, 504: true, 507: true, 599: true,
	}
	got := map[int]bool{}
	for code := range want {
		got[code] = Retriable(code)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Retriable (-want +got):\n%s", diff)
	}
	success := map[int]bool{199: false, 200: true, 201: true, 202: true, 204: true, 299: true, 300: false, 404: false, 500: false}
	gotSuccess := map[int]bool{}
	for code := range success {
		gotSuccess[code] = IsSuccess(code)
	}
	if diff := cmp.Diff(success, gotSuccess); diff != "" {
		t.Errorf("IsSuccess (-want +got):\n%s", diff)
	}
}

func TestRetryWait(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	httpDate := now.Add(90 * time.Second).Format(http.TimeFormat)
	base := Policy{Retry: 5, BackoffPolicy: duck.BackoffPolicyExponential, BackoffDelay: time.Second}
	capped := base
	capped.RetryAfterMax = ptr(30 * time.Second)
	zero := base
	zero.RetryAfterMax = ptr(time.Duration(0))
	tests := []struct {
		name       string
		policy     Policy
		k          int
		status     int
		retryAfter string
		want       time.Duration
	}{
		{name: "ignored without retryAfterMax", policy: base, k: 1, status: 429, retryAfter: "10", want: time.Second},
		{name: "429 honoured", policy: capped, k: 1, status: 429, retryAfter: "10", want: 10 * time.Second},
		{name: "503 honoured", policy: capped, k: 1, status: 503, retryAfter: "10", want: 10 * time.Second},
		{name: "capped at retryAfterMax", policy: capped, k: 1, status: 503, retryAfter: "120", want: 30 * time.Second},
		{name: "backoff wins when longer", policy: capped, k: 5, status: 429, retryAfter: "3", want: 16 * time.Second},
		{name: "500 ignores Retry-After", policy: capped, k: 1, status: 500, retryAfter: "10", want: time.Second},
		{name: "404 ignores Retry-After", policy: capped, k: 2, status: 404, retryAfter: "10", want: 2 * time.Second},
		{name: "HTTP date", policy: capped, k: 1, status: 429, retryAfter: httpDate, want: 30 * time.Second},
		{name: "HTTP date under cap", policy: Policy{Retry: 1, RetryAfterMax: ptr(time.Hour)}, k: 1, status: 503, retryAfter: httpDate, want: 90 * time.Second},
		{name: "date in the past", policy: capped, k: 1, status: 503, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), want: time.Second},
		{name: "garbage", policy: capped, k: 1, status: 503, retryAfter: "soon", want: time.Second},
		{name: "negative seconds", policy: capped, k: 1, status: 503, retryAfter: "-5", want: time.Second},
		{name: "zero max ignores", policy: zero, k: 1, status: 503, retryAfter: "10", want: time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.policy.RetryWait(tc.k, tc.status, tc.retryAfter, now)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RetryWait (-want +got):\n%s", diff)
			}
		})
	}
}
