package keepalive

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/policy"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func busy(name string) policy.Pod { return policy.Pod{Name: name, InFlight: 1} }

func idle(name string, since time.Duration) policy.Pod {
	return policy.Pod{Name: name, IdleSince: at(since)}
}

// step is one instant of a hand-computed timeline: what the data plane
// shows and what the policy must decide.
type step struct {
	at   time.Duration
	obs  policy.Observation
	want policy.Decision
}

func TestPolicyTimelines(t *testing.T) {
	tests := []struct {
		name  string
		ann   map[string]string
		steps []step
	}{{
		name: "AWS Lambda default: one request, cold start, removed 10 minutes after it ends",
		steps: []step{
			{at: 0, obs: policy.Observation{Waiting: 1}, want: policy.Decision{DesiredScale: 1}},
			{at: 3 * time.Second, obs: policy.Observation{Pods: []policy.Pod{busy("a")}}, want: policy.Decision{DesiredScale: 1}},
			{at: 4 * time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 3500*time.Millisecond)}}, want: policy.Decision{DesiredScale: 1}},
			{at: 10*time.Minute + 3499*time.Millisecond, obs: policy.Observation{Pods: []policy.Pod{idle("a", 3500*time.Millisecond)}}, want: policy.Decision{DesiredScale: 1}},
			{at: 10*time.Minute + 3500*time.Millisecond, obs: policy.Observation{Pods: []policy.Pod{idle("a", 3500*time.Millisecond)}}, want: policy.Decision{Remove: []string{"a"}}},
		},
	}, {
		name: "Azure Functions 20 minutes: a second request takes the idle instance and restarts its idle time",
		ann:  map[string]string{autoscaling.KeepAliveAnnotationKey: "20m"},
		steps: []step{
			{at: 10 * time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 0)}}, want: policy.Decision{DesiredScale: 1}},
			{at: 15 * time.Minute, obs: policy.Observation{Pods: []policy.Pod{busy("a")}}, want: policy.Decision{DesiredScale: 1}},
			{at: 25 * time.Minute, obs: policy.Observation{Pods: []policy.Pod{idle("a", 15*time.Minute+time.Second)}}, want: policy.Decision{DesiredScale: 1}},
			{at: 35*time.Minute + time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 15*time.Minute+time.Second)}}, want: policy.Decision{Remove: []string{"a"}}},
		},
	}, {
		name: "requests beyond the idle instances each start one; only the expired instances go",
		ann:  map[string]string{autoscaling.KeepAliveAnnotationKey: "1m"},
		steps: []step{
			{at: 0, obs: policy.Observation{Pods: []policy.Pod{busy("a"), busy("b")}, Waiting: 2}, want: policy.Decision{DesiredScale: 4}},
			{at: 30 * time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 10*time.Second), busy("b"), idle("c", 20*time.Second), idle("d", 30*time.Second)}}, want: policy.Decision{DesiredScale: 4}},
			{at: 70 * time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 10*time.Second), busy("b"), idle("c", 20*time.Second), idle("d", 30*time.Second)}}, want: policy.Decision{DesiredScale: 3, Remove: []string{"a"}}},
			{at: 90 * time.Second, obs: policy.Observation{Pods: []policy.Pod{busy("b"), idle("c", 20*time.Second), idle("d", 30*time.Second)}}, want: policy.Decision{DesiredScale: 1, Remove: []string{"c", "d"}}},
		},
	}, {
		name: "a start once ordered is kept when a busy instance takes the waiting request first",
		steps: []step{
			{at: 0, obs: policy.Observation{Pods: []policy.Pod{busy("a")}, Waiting: 1}, want: policy.Decision{DesiredScale: 2}},
			{at: time.Second, obs: policy.Observation{Pods: []policy.Pod{busy("a")}}, want: policy.Decision{DesiredScale: 2}},
			{at: 3 * time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 2*time.Second), idle("b", 3*time.Second)}}, want: policy.Decision{DesiredScale: 2}},
			{at: 10*time.Minute + 2*time.Second, obs: policy.Observation{Pods: []policy.Pod{idle("a", 2*time.Second), idle("b", 3*time.Second)}}, want: policy.Decision{DesiredScale: 1, Remove: []string{"a"}}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(policy.Params{Class: Class, Annotations: tc.ann, Now: t0})
			if err != nil {
				t.Fatal(err)
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

func TestFromAnnotations(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    time.Duration
		wantErr string
	}{
		{name: "unset", want: DefaultKeepAlive},
		{name: "azure", value: "20m", want: 20 * time.Minute},
		{name: "not a duration", value: "20", wantErr: `autoscaling.knsim.dev/keep-alive: "20" is not a Go duration`},
		{name: "too long", value: "25h", wantErr: "autoscaling.knsim.dev/keep-alive: 25h0m0s is outside [1s, 24h0m0s]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ann := map[string]string{}
			if tc.value != "" {
				ann[autoscaling.KeepAliveAnnotationKey] = tc.value
			}
			got, err := FromAnnotations(ann, DefaultKeepAlive)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if got != tc.want {
				t.Errorf("keep-alive = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUpdateChangesKeepAlive(t *testing.T) {
	p, err := New(policy.Params{Class: Class})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.(policy.Updater).Update(policy.Params{Annotations: map[string]string{autoscaling.KeepAliveAnnotationKey: "30s"}}); err != nil {
		t.Fatal(err)
	}
	p.Observe(at(time.Minute), policy.Observation{Pods: []policy.Pod{idle("a", 0)}})
	if diff := cmp.Diff(policy.Decision{Remove: []string{"a"}}, p.Decide(at(time.Minute))); diff != "" {
		t.Errorf("after Update to 30s (-want +got):\n%s", diff)
	}
}
