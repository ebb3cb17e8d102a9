package source

import (
	"strings"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/delivery"
)

func ptr[T any](v T) *T { return &v }

func TestAdapterPolicy(t *testing.T) {
	tests := []struct {
		name    string
		spec    *duck.DeliverySpec
		want    []time.Duration // waits before retries 1..Retry
		timeout time.Duration
		wantErr string
	}{
		{name: "Knative's adapter default: 5 retries, 50ms exponential",
			want: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond}},
		{name: "retry only keeps the default backoff", spec: &duck.DeliverySpec{Retry: ptr(int32(2))},
			want: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{name: "linear with its own delay and a timeout",
			spec: &duck.DeliverySpec{Retry: ptr(int32(3)), BackoffPolicy: ptr(duck.BackoffPolicyLinear), BackoffDelay: ptr("PT1S"), Timeout: ptr("PT2S")},
			want: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, timeout: 2 * time.Second},
		{name: "no retry", spec: &duck.DeliverySpec{Retry: ptr(int32(0))}, want: []time.Duration{}},
		{name: "bad delay", spec: &duck.DeliverySpec{BackoffDelay: ptr("1s")}, wantErr: "backoffDelay"},
		{name: "dead letter refused", spec: &duck.DeliverySpec{DeadLetterSink: &duck.Destination{URI: "http://dls"}}, wantErr: "deadLetterSink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := AdapterPolicy(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("AdapterPolicy() error = %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []time.Duration{}
			for k := 1; k <= p.Retry; k++ {
				got = append(got, p.Backoff(k))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("backoffs (-want +got):\n%s", diff)
			}
			if p.Timeout != tt.timeout {
				t.Errorf("Timeout = %v, want %v", p.Timeout, tt.timeout)
			}
		})
	}
}

// TestAdapterDelivery drives the delivery core with the adapter's policy
// and options: the SDK retries 503 but gives a 500 up at once.
func TestAdapterDelivery(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		want     []delivery.Action
	}{
		{name: "503 then 202 is retried", statuses: []int{503, 202}, want: []delivery.Action{delivery.Retry, delivery.Done}},
		{name: "500 is not retried", statuses: []int{500}, want: []delivery.Action{delivery.Drop}},
		{name: "404 and 429 are retried", statuses: []int{404, 429, 200}, want: []delivery.Action{delivery.Retry, delivery.Retry, delivery.Done}},
		{name: "six 503s exhaust 5 retries", statuses: []int{503, 503, 503, 503, 503, 503},
			want: []delivery.Action{delivery.Retry, delivery.Retry, delivery.Retry, delivery.Retry, delivery.Retry, delivery.Drop}},
	}
	p, err := AdapterPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := cloudevents.NewEvent()
			ev.SetID("1")
			d := delivery.New(&ev, "http://sink.default.svc.cluster.local", p, AdapterOptions())
			var got []delivery.Action
			for _, s := range tt.statuses {
				got = append(got, d.Next(now, delivery.Attempt{Status: s}).Action)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdapterRetriable(t *testing.T) {
	want := map[int]bool{404: true, 413: true, 425: true, 429: true, 502: true, 503: true, 504: true}
	for s := 100; s < 600; s++ {
		if got := AdapterRetriable(s); got != want[s] {
			t.Errorf("AdapterRetriable(%d) = %v, want %v", s, got, want[s])
		}
	}
}
