package hybrid

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/policy"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestWindows(t *testing.T) {
	// samples puts n idle times in the bin of each duration.
	type samples struct {
		idle time.Duration
		n    int
	}
	tests := []struct {
		name   string
		idle   []samples
		want   Windows
		wantCV float64
	}{{
		name: "every 30 minutes: pre-warm 27m, keep-alive until 31m*1.1",
		idle: []samples{{30*time.Minute + 30*time.Second, 10}},
		// head = 30m (bin 30's lower edge) * 0.9 = 27m; tail = 31m * 1.1 = 34m6s.
		want: Windows{PreWarm: 27 * time.Minute, KeepAlive: 7*time.Minute + 6*time.Second, Representative: true},
		// one bin of 10 among 240: mean 10/240, std sqrt(100/240 - (10/240)^2).
		wantCV: math.Sqrt(100.0/240-100.0/57600) / (10.0 / 240),
	}, {
		name: "head and tail percentiles of a spread",
		// 5 of 100 in bin 1 (5th percentile), 94 in bin 10 (99th), 1 in bin 60 (beyond the tail).
		idle: []samples{{90 * time.Second, 5}, {10 * time.Minute, 94}, {60 * time.Minute, 1}},
		// head 1m*0.9 = 54s; tail 11m*1.1 = 726s; keep-alive 726s-54s = 11m12s.
		want:   Windows{PreWarm: 54 * time.Second, KeepAlive: 11*time.Minute + 12*time.Second, Representative: true},
		wantCV: math.Sqrt((25.0+94*94+1)/240-math.Pow(100.0/240, 2)) / (100.0 / 240),
	}, {
		name:   "short idle times: no pre-warm, keep-alive 1m*1.1",
		idle:   []samples{{20 * time.Second, 10}},
		want:   Windows{KeepAlive: 66 * time.Second, Representative: true},
		wantCV: math.Sqrt(100.0/240-100.0/57600) / (10.0 / 240),
	}, {
		name:   "too few idle times: fallback",
		idle:   []samples{{30 * time.Minute, 9}},
		want:   Windows{KeepAlive: 4 * time.Hour},
		wantCV: math.Sqrt(81.0/240-81.0/57600) / (9.0 / 240),
	}, {
		name: "no pattern (one idle time in every bin, CV 0): fallback",
		idle: func() []samples {
			var s []samples
			for i := range 240 {
				s = append(s, samples{time.Duration(i) * time.Minute, 1})
			}
			return s
		}(),
		want: Windows{KeepAlive: 4 * time.Hour},
	}, {
		name:   "mostly beyond the 4-hour range: fallback (no ARIMA)",
		idle:   []samples{{5 * time.Minute, 10}, {5 * time.Hour, 11}},
		want:   Windows{KeepAlive: 4 * time.Hour},
		wantCV: math.Sqrt(100.0/240-100.0/57600) / (10.0 / 240),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			h := NewHistogram(cfg)
			for _, s := range tc.idle {
				for range s.n {
					h.Add(s.idle)
				}
			}
			if diff := cmp.Diff(tc.want, cfg.Windows(h)); diff != "" {
				t.Errorf("Windows (-want +got):\n%s", diff)
			}
			if got := h.CV(); math.Abs(got-tc.wantCV) > 1e-9 {
				t.Errorf("CV = %v, want %v", got, tc.wantCV)
			}
		})
	}
}

// burst is one request on pod a from arrive to end.
func burst(p policy.Policy, arrive, end time.Duration) {
	p.Observe(at(arrive), policy.Observation{Pods: []policy.Pod{{Name: "a", InFlight: 1}}, LastArrival: at(arrive)})
	p.Observe(at(end), policy.Observation{Pods: []policy.Pod{{Name: "a", IdleSince: at(end)}}, LastArrival: at(arrive)})
}

func TestPolicyTimelines(t *testing.T) {
	type step struct {
		at   time.Duration
		obs  policy.Observation
		want policy.Decision
	}
	const period = 31 * time.Minute // a 30s request every 31 minutes: idle 30m30s
	last := 10 * period             // the 11th request, after 10 idle times
	end := last + 30*time.Second
	idleA := func(since time.Duration) policy.Observation {
		return policy.Observation{Pods: []policy.Pod{{Name: "a", IdleSince: at(since)}}, LastArrival: at(last)}
	}
	tests := []struct {
		name     string
		ann      map[string]string
		requests int
		steps    []step
	}{{
		name:     "periodic: removed after the burst, pre-warmed after 27m, gone after 34m6s",
		requests: 11,
		steps: []step{
			{at: end + time.Second, obs: idleA(end), want: policy.Decision{Remove: []string{"a"}}},
			{at: end + 27*time.Minute - time.Second, obs: policy.Observation{LastArrival: at(last)}, want: policy.Decision{}},
			{at: end + 27*time.Minute, obs: policy.Observation{LastArrival: at(last)}, want: policy.Decision{DesiredScale: 1}},
			{at: end + 27*time.Minute + 5*time.Second, obs: idleA(end + 27*time.Minute + 5*time.Second), want: policy.Decision{DesiredScale: 1}},
			{at: end + 34*time.Minute + 5*time.Second, obs: idleA(end + 27*time.Minute + 5*time.Second), want: policy.Decision{DesiredScale: 1}},
			{at: end + 34*time.Minute + 6*time.Second, obs: idleA(end + 27*time.Minute + 5*time.Second), want: policy.Decision{Remove: []string{"a"}}},
		},
	}, {
		name:     "too few idle times: fixed keep-alive from the annotation",
		ann:      map[string]string{autoscaling.KeepAliveAnnotationKey: "5m"},
		requests: 3,
		steps: []step{
			{at: 2*period + 30*time.Second + time.Minute, obs: policy.Observation{Pods: []policy.Pod{{Name: "a", IdleSince: at(2*period + 30*time.Second)}}, LastArrival: at(2 * period)},
				want: policy.Decision{DesiredScale: 1}},
			{at: 2*period + 30*time.Second + 5*time.Minute, obs: policy.Observation{Pods: []policy.Pod{{Name: "a", IdleSince: at(2*period + 30*time.Second)}}, LastArrival: at(2 * period)},
				want: policy.Decision{Remove: []string{"a"}}},
		},
	}, {
		name:     "busy: scale per request with the whole window as keep-alive",
		requests: 11,
		steps: []step{
			{at: end + time.Minute, obs: policy.Observation{Pods: []policy.Pod{{Name: "a", InFlight: 1}}, Waiting: 2, LastArrival: at(end + time.Minute)},
				want: policy.Decision{DesiredScale: 3}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(policy.Params{Class: Class, Annotations: tc.ann, Now: t0})
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.requests {
				burst(p, time.Duration(i)*period, time.Duration(i)*period+30*time.Second)
			}
			for _, s := range tc.steps {
				p.Observe(at(s.at), s.obs)
				if diff := cmp.Diff(s.want, p.Decide(at(s.at))); diff != "" {
					t.Errorf("at %v (-want +got):\n%s", s.at, diff)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{name: "default", edit: func(*Config) {}},
		{name: "range not whole bins", edit: func(c *Config) { c.Range = 90 * time.Second },
			wantErr: "hybrid: Range 1m30s must be a positive multiple of BinWidth 1m0s"},
		{name: "head above tail", edit: func(c *Config) { c.Head = 99.5 },
			wantErr: "hybrid: percentiles must satisfy 0 <= Head (99.5) < Tail (99) <= 100"},
		{name: "margin 1", edit: func(c *Config) { c.Margin = 1 }, wantErr: "hybrid: Margin 1 must be in [0, 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			got := ""
			if _, err := NewWithConfig(c); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, got); diff != "" {
				t.Errorf("NewWithConfig (-want +got):\n%s", diff)
			}
		})
	}
}
