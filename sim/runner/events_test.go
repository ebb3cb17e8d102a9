package runner

import (
	"testing"
	"time"

	"github.com/knsim/knsim/sim/eventplane"
)

func TestEventMetricScoped(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []eventplane.Record{
		{Kind: eventplane.Produced, At: t0},
		{Kind: eventplane.Delivered, At: t0.Add(time.Second), Service: "default/a"},
		{Kind: eventplane.Delivered, At: t0.Add(2 * time.Second), Service: "default/b"},
		{Kind: eventplane.Delivered, At: t0.Add(3 * time.Second), Service: "live/a"},
		{Kind: eventplane.Lost, At: t0.Add(3 * time.Second), Service: "default/a"},
		{Kind: eventplane.DroppedTTL, At: t0.Add(4 * time.Second)},
	}
	tests := []struct {
		name, metric, service string
		at                    time.Duration
		want                  float64
		wantErr               bool
	}{
		{"service in default", "events.delivered", "a", time.Minute, 1, false},
		{"service with namespace", "events.delivered", "live/a", time.Minute, 1, false},
		{"at", "events.delivered", "", 2 * time.Second, 2, false},
		{"lost", "events.lost", "a", time.Minute, 1, false},
		{"dropped at", "events.dropped", "", 3 * time.Second, 0, false},
		{"produced has no service", "events.produced", "a", time.Minute, 0, true},
		{"unknown", "events.bogus", "", time.Minute, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := eventMetricScoped(recs, t0, tc.metric, tc.at, tc.service)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && v.Number != tc.want {
				t.Errorf("= %v, want %v", v.Number, tc.want)
			}
		})
	}
}
