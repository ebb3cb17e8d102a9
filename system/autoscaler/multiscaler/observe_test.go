package multiscaler

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/queue"
)

func TestObserve(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	spec := mustSpec(t)
	b := types.NamespacedName{Namespace: "default", Name: "b-1"}
	a := types.NamespacedName{Namespace: "default", Name: "a-1"}
	for _, tc := range []struct {
		name      string
		ensure    []types.NamespacedName
		load      float64 // concurrency reported for a every second
		ticks     int
		wantRevs  []types.NamespacedName
		wantFound bool
		wantDesc  int32 // desired scale of a
		wantStab  float64
	}{{
		name:     "no deciders",
		wantRevs: []types.NamespacedName{},
	}, {
		name:      "sorted, no decision yet",
		ensure:    []types.NamespacedName{b, a},
		wantRevs:  []types.NamespacedName{a, b},
		wantFound: true,
		wantDesc:  -1,
	}, {
		name:      "after a tick: the observed stable concurrency and the desired scale",
		ensure:    []types.NamespacedName{a},
		load:      140,
		ticks:     1,
		wantRevs:  []types.NamespacedName{a},
		wantFound: true,
		wantDesc:  2,
		wantStab:  140,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &manualClock{FakeClock: clocktesting.NewFakeClock(now)}
			m := New(clk, nil)
			for _, k := range tc.ensure {
				if err := m.Ensure(clk.Now(), k, spec, 1); err != nil {
					t.Fatal(err)
				}
			}
			for range tc.ticks {
				for range int(spec.TickInterval / time.Second) {
					clk.advance(time.Second)
					m.Report(clk.Now(), a, []queue.Stat{{AverageConcurrency: tc.load, RequestCount: tc.load}}, queue.Stat{})
				}
			}
			if diff := cmp.Diff(tc.wantRevs, m.Revisions()); diff != "" {
				t.Errorf("Revisions() (-want +got):\n%s", diff)
			}
			o, found := m.Observe(a)
			if found != tc.wantFound {
				t.Fatalf("Observe found = %v, want %v", found, tc.wantFound)
			}
			if !found {
				return
			}
			got := []any{o.Status.DesiredScale, o.Last.ObservedStable, o.Spec.TargetValue}
			want := []any{tc.wantDesc, tc.wantStab, spec.TargetValue}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Observe (-want +got):\n%s", diff)
			}
		})
	}
}
