package activator

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPolicyFor(t *testing.T) {
	tests := []struct {
		name string
		cc   int
		want Policy
	}{
		{name: "cc 0", cc: 0, want: PowerOfTwoChoices},
		{name: "cc 1", cc: 1, want: FirstAvailable},
		{name: "cc 3", cc: 3, want: FirstAvailable},
		{name: "cc 4", cc: 4, want: RoundRobin},
		{name: "cc 100", cc: 100, want: RoundRobin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PolicyFor(tc.cc); got != tc.want {
				t.Errorf("PolicyFor(%d) = %v, want %v", tc.cc, got, tc.want)
			}
			if got := newThrottler(t, Params{ContainerConcurrency: tc.cc}).Policy(); got != tc.want {
				t.Errorf("Throttler.Policy() = %v, want %v", got, tc.want)
			}
		})
	}
	got := []string{PowerOfTwoChoices.String(), FirstAvailable.String(), RoundRobin.String(), Policy(0).String()}
	want := []string{"PowerOfTwoChoices", "FirstAvailable", "RoundRobin", "Policy(0)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}

// assignments sends n requests without releasing any and returns the pod
// each was admitted to ("" when queued).
func assignments(th *Throttler, first uint64, n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, th.Try(t0, req(first+uint64(i))).Pod)
	}
	return out
}

func TestFirstAvailable(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 2})
	th.UpdatePods(t0, []string{"c", "a", "b"})
	got := assignments(th, 0, 5)
	if diff := cmp.Diff([]string{"a", "a", "b", "b", "c"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := th.Release(t0, "a"); err != nil {
		t.Fatal(err)
	}
	if got := th.Try(t0, req(9)).Pod; got != "a" {
		t.Errorf("after freeing a slot on a, got %q, want a", got)
	}
}

func TestRoundRobin(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 4})
	th.UpdatePods(t0, pods(3))
	got := assignments(th, 0, 7)
	want := []string{"pod-0", "pod-1", "pod-2", "pod-0", "pod-1", "pod-2", "pod-0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRoundRobinSkipsFullPods(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 4})
	th.UpdatePods(t0, pods(2))
	assignments(th, 0, 7) // pod-0 x4, pod-1 x3
	if got := th.Try(t0, req(100)).Pod; got != "pod-1" {
		t.Errorf("got %q, want pod-1 (the only pod with a free slot)", got)
	}
	if got := th.Try(t0, req(101)).Outcome; got != Queued {
		t.Errorf("got %v, want Queued with every pod full", got)
	}
}

func TestRoundRobinFairness(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 10})
	th.UpdatePods(t0, pods(4))
	counts := map[string]int{}
	// Sequential requests, each released before the next: a fair policy
	// spreads them evenly.
	for id := range uint64(400) {
		res := th.Try(t0, req(id))
		counts[res.Pod]++
		if _, err := th.Release(t0, res.Pod); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{"pod-0": 100, "pod-1": 100, "pod-2": 100, "pod-3": 100}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Shrinking the pod set resets the cursor rather than skipping pods.
	th.UpdatePods(t0, pods(2))
	got := assignments(th, 1000, 4)
	if diff := cmp.Diff([]string{"pod-0", "pod-1", "pod-0", "pod-1"}, got); diff != "" {
		t.Errorf("after shrink (-want +got):\n%s", diff)
	}
}

func TestPowerOfTwoChoices(t *testing.T) {
	run := func(seed uint64) []string {
		th := newThrottler(t, Params{ContainerConcurrency: 0, Rand: rand.New(rand.NewPCG(seed, 7))})
		th.UpdatePods(t0, pods(5))
		return assignments(th, 0, 500)
	}
	a, b := run(1), run(1)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different picks (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, run(2)) {
		t.Error("different seeds gave identical picks")
	}
	// Choosing the less loaded of two keeps held requests balanced: with
	// 500 held over 5 pods no pod strays far from 100.
	counts := map[string]int{}
	for _, p := range a {
		counts[p]++
	}
	for p, n := range counts {
		if n < 90 || n > 110 {
			t.Errorf("pod %s holds %d of 500 requests, want 90..110: %v", p, n, counts)
		}
	}
	if len(counts) != 5 {
		t.Errorf("requests reached %d pods, want 5: %v", len(counts), counts)
	}
}

func TestPowerOfTwoChoicesSinglePod(t *testing.T) {
	th := newThrottler(t, Params{})
	th.UpdatePods(t0, []string{"only"})
	got := assignments(th, 0, 3)
	if diff := cmp.Diff([]string{"only", "only", "only"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
