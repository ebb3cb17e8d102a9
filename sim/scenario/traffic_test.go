package scenario

import (
	"testing"
	"time"
)

func TestRPSAt(t *testing.T) {
	const eps = 1e-9
	tests := []struct {
		name string
		rate Rate
		at   time.Duration
		want float64
	}{
		{"constant", Rate{RPS: 5}, time.Hour, 5},
		{"before first step", Rate{Shape: Steps, Steps: []Step{{At: Duration(time.Minute), RPS: 3}}}, 30 * time.Second, 0},
		{"on a step", Rate{Shape: Steps, Steps: []Step{{At: 0, RPS: 1}, {At: Duration(time.Minute), RPS: 3}}}, time.Minute, 3},
		{"between steps", Rate{Shape: Steps, Steps: []Step{{At: 0, RPS: 1}, {At: Duration(time.Minute), RPS: 3}}}, 59 * time.Second, 1},
		{"ramp start", Rate{Shape: Ramp, From: 10, To: 20, Over: Duration(time.Minute)}, 0, 10},
		{"ramp middle", Rate{Shape: Ramp, From: 10, To: 20, Over: Duration(time.Minute)}, 30 * time.Second, 15},
		{"ramp after", Rate{Shape: Ramp, From: 10, To: 20, Over: Duration(time.Minute)}, time.Hour, 20},
		{"sine quarter", Rate{Shape: Sine, Mean: 10, Amplitude: 5, Period: Duration(4 * time.Minute)}, time.Minute, 15},
		{"sine three quarters", Rate{Shape: Sine, Mean: 10, Amplitude: 5, Period: Duration(4 * time.Minute)}, 3 * time.Minute, 5},
		{"diurnal midnight", Rate{Shape: Diurnal, Mean: 10, Amplitude: 8}, 0, 2},
		{"diurnal noon", Rate{Shape: Diurnal, Mean: 10, Amplitude: 8}, 12 * time.Hour, 18},
		{"diurnal 6am", Rate{Shape: Diurnal, Mean: 10, Amplitude: 8}, 6 * time.Hour, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rate.RPSAt(tt.at); got < tt.want-eps || got > tt.want+eps {
				t.Errorf("RPSAt(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestTraceTarget(t *testing.T) {
	tr := Traffic{Host: "fallback.example.com", Trace: &Trace{Map: map[string]string{"f1": "svc", "*": "any.example.com"}}}
	tests := []struct {
		name   string
		t      Traffic
		fn     string
		want   string
		wantOK bool
	}{
		{"mapped", tr, "f1", "svc", true},
		{"star", tr, "f2", "any.example.com", true},
		{"host", Traffic{Host: "h.example.com", Trace: &Trace{Map: map[string]string{"f1": "svc"}}}, "f2", "h.example.com", true},
		{"skipped", Traffic{Trace: &Trace{Map: map[string]string{"f1": "svc"}}}, "f2", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.t.TraceTarget(tt.fn)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("TraceTarget(%q) = %q, %v; want %q, %v", tt.fn, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	if k := (&Traffic{Rate: &Rate{}}).Kind(); k != "rate" {
		t.Errorf("Traffic.Kind = %q", k)
	}
	if k := (&Traffic{Rate: &Rate{}, Hey: &Hey{}}).Kind(); k != "" {
		t.Errorf("Traffic.Kind of two = %q", k)
	}
	if k := (&Action{SlowWorkload: &SlowWorkload{}}).Kind(); k != "slowWorkload" {
		t.Errorf("Action.Kind = %q", k)
	}
}
