package multiscaler

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/apis/autoscaling"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/policy"
)

func TestPolicyRevision(t *testing.T) {
	key := types.NamespacedName{Namespace: "default", Name: "ka-00001"}
	ann := map[string]string{autoscaling.ClassAnnotationKey: autoscaling.KeepAliveClass, autoscaling.KeepAliveAnnotationKey: "1m"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type want struct {
		Desired  int32
		Remove   []string
		Changes  int
		Observes bool
	}
	tests := []struct {
		name string
		run  func(m *Multiscaler, clk *manualClock) error
		want want
	}{{
		name: "a new policy starts from the replicas",
		run: func(m *Multiscaler, _ *manualClock) error {
			return m.EnsurePolicy(key, policy.Params{Class: autoscaling.KeepAliveClass, Annotations: ann}, 1)
		},
		want: want{Desired: 1, Observes: true},
	}, {
		name: "a waiting request starts an instance at once",
		run: func(m *Multiscaler, clk *manualClock) error {
			err := m.EnsurePolicy(key, policy.Params{Class: autoscaling.KeepAliveClass, Annotations: ann}, 0)
			m.ObservePods(clk.Now(), key, policy.Observation{Waiting: 1})
			return err
		},
		want: want{Desired: 1, Changes: 1, Observes: true},
	}, {
		name: "the tick removes the instance idle for the keep-alive",
		run: func(m *Multiscaler, clk *manualClock) error {
			err := m.EnsurePolicy(key, policy.Params{Class: autoscaling.KeepAliveClass, Annotations: ann}, 2)
			m.ObservePods(clk.Now(), key, policy.Observation{Pods: []policy.Pod{{Name: "a", IdleSince: clk.Now()}, {Name: "b", InFlight: 1}}})
			clk.advance(time.Minute) // the tick at 1m sees a idle for 1m
			return err
		},
		want: want{Desired: 1, Remove: []string{"a"}, Changes: 1, Observes: true},
	}, {
		name: "a change of class to the KPA drops the policy",
		run: func(m *Multiscaler, clk *manualClock) error {
			if err := m.EnsurePolicy(key, policy.Params{Class: autoscaling.KeepAliveClass, Annotations: ann}, 3); err != nil {
				return err
			}
			return m.Ensure(clk.Now(), key, mustSpec(t), 3)
		},
		want: want{Desired: -1, Observes: false}, // the KPA's "not decided yet"
	}, {
		name: "a policy whose annotations are invalid is not created",
		run: func(m *Multiscaler, _ *manualClock) error {
			err := m.EnsurePolicy(key, policy.Params{Class: autoscaling.KeepAliveClass, Annotations: map[string]string{autoscaling.KeepAliveAnnotationKey: "x"}}, 1)
			if err == nil {
				t.Error("EnsurePolicy with keep-alive x: no error")
			}
			return nil
		},
		want: want{},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &manualClock{FakeClock: clocktesting.NewFakeClock(t0)}
			changes := 0
			m := New(clk, func(types.NamespacedName) { changes++ })
			if err := tc.run(m, clk); err != nil {
				t.Fatal(err)
			}
			st, _ := m.Status(key)
			dec, _ := m.PolicyDecision(key)
			got := want{Desired: st.DesiredScale, Remove: dec.Remove, Changes: changes, Observes: m.ObservesPods(key)}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestHasPolicy(t *testing.T) {
	for class, want := range map[string]bool{
		autoscaling.KeepAliveClass: true, autoscaling.HybridClass: true,
		autoscaling.KPA: false, autoscaling.HPA: false, "nobody.example.com": false,
	} {
		if got := HasPolicy(class); got != want {
			t.Errorf("HasPolicy(%q) = %v, want %v", class, got, want)
		}
	}
}

func mustSpec(t *testing.T) config.DeciderSpec {
	t.Helper()
	cfg := config.Default()
	spec, err := cfg.Resolve(config.Revision{})
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// manualClock runs AfterFunc callbacks only in advance, outside the fake
// clock's lock (FakeClock calls them holding it, and a tick reads Now).
type manualClock struct {
	*clocktesting.FakeClock
	pending []pendingFunc
}

type pendingFunc struct {
	at time.Time
	f  func()
}

func (c *manualClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	c.pending = append(c.pending, pendingFunc{at: c.Now().Add(d), f: f})
	return c.NewTimer(d)
}

// advance moves the time on by d, running every callback due in order.
func (c *manualClock) advance(d time.Duration) {
	end := c.Now().Add(d)
	for {
		i := -1
		for j, p := range c.pending {
			if !p.at.After(end) && (i < 0 || p.at.Before(c.pending[i].at)) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		p := c.pending[i]
		c.pending = append(c.pending[:i], c.pending[i+1:]...)
		c.SetTime(p.at)
		p.f()
	}
	c.SetTime(end)
}
