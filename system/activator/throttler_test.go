package activator

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/knsim/knsim/system/queue"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func sec(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func newThrottler(t *testing.T, p Params) *Throttler {
	t.Helper()
	th, err := NewThrottler(p)
	if err != nil {
		t.Fatalf("NewThrottler(%+v): %v", p, err)
	}
	return th
}

func pods(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("pod-%d", i)
	}
	return out
}

func req(id uint64) Request { return Request{ID: id} }

var diffOpts = []cmp.Option{cmpopts.EquateErrors(), cmpopts.EquateEmpty()}

func TestBufferWhileZeroPodsThenAdmit(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 1})
	var got []Result
	for id := range uint64(3) {
		got = append(got, th.Try(sec(0), req(id)))
	}
	want := []Result{{Outcome: Queued, Poke: true}, {Outcome: Queued}, {Outcome: Queued}}
	if diff := cmp.Diff(want, got, diffOpts...); diff != "" {
		t.Errorf("Try (-want +got):\n%s", diff)
	}

	eff := th.UpdatePods(sec(1), []string{"b", "a"})
	wantEff := Effects{Admitted: []Admission{{Request: req(0), Pod: "a"}, {Request: req(1), Pod: "b"}}}
	if diff := cmp.Diff(wantEff, eff, diffOpts...); diff != "" {
		t.Errorf("UpdatePods (-want +got):\n%s", diff)
	}

	eff, err := th.Release(sec(2), "b")
	if err != nil {
		t.Fatal(err)
	}
	wantEff = Effects{Admitted: []Admission{{Request: req(2), Pod: "b"}}}
	if diff := cmp.Diff(wantEff, eff, diffOpts...); diff != "" {
		t.Errorf("Release (-want +got):\n%s", diff)
	}
	if th.Waiting() != 0 || th.InFlight() != 2 {
		t.Errorf("Waiting, InFlight = %d, %d; want 0, 2", th.Waiting(), th.InFlight())
	}
}

func TestCapacity(t *testing.T) {
	tests := []struct {
		name string
		cc   int
		pods int
		want int
	}{
		{name: "cc 1, 5 pods", cc: 1, pods: 5, want: 5},
		{name: "cc 10, 3 pods", cc: 10, pods: 3, want: 30},
		{name: "cc 4, no pods", cc: 4, pods: 0, want: 0},
		{name: "cc 0, no pods", cc: 0, pods: 0, want: 0},
		{name: "cc 0, 2 pods is unbounded", cc: 0, pods: 2, want: queue.MaxBreakerCapacity},
		{name: "huge cc clamps", cc: queue.MaxBreakerCapacity, pods: 3, want: queue.MaxBreakerCapacity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th := newThrottler(t, Params{ContainerConcurrency: tc.cc})
			th.UpdatePods(t0, pods(tc.pods))
			if got := th.Capacity(); got != tc.want {
				t.Errorf("Capacity() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCapacityFollowsPods(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 2})
	th.UpdatePods(t0, pods(2))
	var outcomes []Outcome
	for id := range uint64(6) {
		outcomes = append(outcomes, th.Try(t0, req(id)).Outcome)
	}
	if diff := cmp.Diff([]Outcome{Admitted, Admitted, Admitted, Admitted, Queued, Queued}, outcomes); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	eff := th.UpdatePods(t0, pods(3))
	want := Effects{Admitted: []Admission{{Request: req(4), Pod: "pod-2"}, {Request: req(5), Pod: "pod-2"}}}
	if diff := cmp.Diff(want, eff, diffOpts...); diff != "" {
		t.Errorf("scale up admits (-want +got):\n%s", diff)
	}
}

func TestQueueOverflow(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 1, QueueDepth: 2})
	var got []Result
	for id := range uint64(3) {
		got = append(got, th.Try(t0, req(id)))
	}
	want := []Result{
		{Outcome: Queued, Poke: true}, {Outcome: Queued},
		{Outcome: Rejected, Err: queue.ErrRequestQueueFull},
	}
	if diff := cmp.Diff(want, got, diffOpts...); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPokeOnce(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 0})
	var pokes []bool
	try := func(id uint64) { pokes = append(pokes, th.Try(t0, req(id)).Poke) }
	try(1) // zero pods: poke
	try(2) // still zero: no second poke
	th.UpdatePods(t0, pods(1))
	try(3) // pods ready: no poke
	th.UpdatePods(t0, nil)
	try(4) // back at zero: poke again
	try(5)
	if diff := cmp.Diff([]bool{true, false, false, true, false}, pokes); diff != "" {
		t.Errorf("pokes (-want +got):\n%s", diff)
	}
}

func TestExpire(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 1})
	for i := range 3 {
		th.Try(sec(0), Request{ID: uint64(i), Deadline: sec(3 - i)}) // deadlines 3s, 2s, 1s
	}
	th.Try(sec(0), Request{ID: 9}) // no deadline
	if d, ok := th.NextDeadline(); !ok || !d.Equal(sec(1)) {
		t.Errorf("NextDeadline() = %v, %v; want %v, true", d, ok, sec(1))
	}
	got := th.Expire(sec(2))
	want := []Request{{ID: 2, Deadline: sec(1)}, {ID: 1, Deadline: sec(2)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expire (-want +got):\n%s", diff)
	}
	if th.Waiting() != 2 {
		t.Errorf("Waiting() = %d, want 2", th.Waiting())
	}
	// Pods arrive after the last deadline too: that waiter fails, the one
	// without a deadline is admitted.
	eff := th.UpdatePods(sec(4), pods(1))
	wantEff := Effects{
		Admitted: []Admission{{Request: Request{ID: 9}, Pod: "pod-0"}},
		Expired:  []Request{{ID: 0, Deadline: sec(3)}},
	}
	if diff := cmp.Diff(wantEff, eff, diffOpts...); diff != "" {
		t.Errorf("UpdatePods (-want +got):\n%s", diff)
	}
	if _, ok := th.NextDeadline(); ok {
		t.Error("NextDeadline() ok after every deadline expired")
	}
	// A request whose deadline already passed is refused outright.
	res := th.Try(sec(5), Request{ID: 10, Deadline: sec(5)})
	if diff := cmp.Diff(Result{Outcome: Rejected, Err: ErrDeadlineExceeded}, res, diffOpts...); diff != "" {
		t.Errorf("late Try (-want +got):\n%s", diff)
	}
}

func TestCancelAndDrain(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 1})
	for id := range uint64(4) {
		th.Try(t0, Request{ID: id, Deadline: sec(10)})
	}
	if !th.Cancel(1) || th.Cancel(1) {
		t.Error("Cancel(1) should succeed once")
	}
	if dup := th.Try(t0, req(2)); dup.Err != ErrDuplicateRequest {
		t.Errorf("duplicate Try = %+v, want ErrDuplicateRequest", dup)
	}
	got := th.DrainWaiting()
	want := []Request{{ID: 0, Deadline: sec(10)}, {ID: 2, Deadline: sec(10)}, {ID: 3, Deadline: sec(10)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DrainWaiting (-want +got):\n%s", diff)
	}
	if th.Waiting() != 0 || len(th.Expire(sec(20))) != 0 {
		t.Error("waiters left after DrainWaiting")
	}
}

func TestDrainingPod(t *testing.T) {
	th := newThrottler(t, Params{ContainerConcurrency: 1})
	th.UpdatePods(t0, []string{"a", "b"})
	th.Try(t0, req(1)) // a
	th.Try(t0, req(2)) // b
	th.UpdatePods(t0, []string{"b"})
	if res := th.Try(t0, req(3)); res.Outcome != Queued {
		t.Errorf("Try with b busy and a gone = %v, want Queued", res.Outcome)
	}
	wantPods := []PodState{{Name: "a", InFlight: 1}, {Name: "b", InFlight: 1, Ready: true}}
	if diff := cmp.Diff(wantPods, th.Pods()); diff != "" {
		t.Errorf("Pods (-want +got):\n%s", diff)
	}
	// a's request ends: capacity is 1 and b is busy, so nothing is admitted.
	eff, err := th.Release(t0, "a")
	if err != nil || len(eff.Admitted) != 0 {
		t.Errorf("Release(a) = %+v, %v; want no admission", eff, err)
	}
	if _, err := th.Release(t0, "a"); err == nil {
		t.Error("second Release(a) succeeded")
	}
	eff, _ = th.Release(t0, "b")
	if diff := cmp.Diff(Effects{Admitted: []Admission{{Request: req(3), Pod: "b"}}}, eff, diffOpts...); diff != "" {
		t.Errorf("Release(b) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]PodState{{Name: "b", InFlight: 1, Ready: true}}, th.Pods()); diff != "" {
		t.Errorf("Pods after drain (-want +got):\n%s", diff)
	}
}

func TestNewValidation(t *testing.T) {
	for name, p := range map[string]Params{
		"negative cc":          {ContainerConcurrency: -1},
		"negative queue depth": {QueueDepth: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewThrottler(p); err == nil {
				t.Errorf("NewThrottler(%+v) succeeded", p)
			}
		})
	}
}

func TestOutcomeString(t *testing.T) {
	got := []string{Admitted.String(), Queued.String(), Rejected.String(), Outcome(7).String()}
	if diff := cmp.Diff([]string{"Admitted", "Queued", "Rejected", "Outcome(7)"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestNeverOverCapacity drives a cc=1 revision with many random operations
// and checks, after each, that no pod holds more than one request, that no
// more than five are in flight, that nothing waits while a slot is free,
// and that queued requests are admitted in arrival order.
func TestNeverOverCapacity(t *testing.T) {
	for _, churn := range []bool{false, true} {
		for seed := range uint64(5) {
			t.Run(fmt.Sprintf("churn=%v/seed=%d", churn, seed), func(t *testing.T) {
				checkRandomRun(t, seed, churn)
			})
		}
	}
}

func checkRandomRun(t *testing.T, seed uint64, churn bool) {
	rng := rand.New(rand.NewPCG(seed, 42))
	th := newThrottler(t, Params{ContainerConcurrency: 1, QueueDepth: 50})
	names := pods(8)
	th.UpdatePods(t0, names[:5])
	type running struct {
		id  uint64
		pod string
	}
	var (
		live      []running
		nextID    uint64
		lastAdmit uint64 // highest queued id admitted so far
		now       = t0
		queued    = map[uint64]bool{}
	)
	admitted := func(as []Admission) {
		for _, a := range as {
			if !queued[a.Request.ID] {
				t.Fatalf("admitted %d, which was not waiting", a.Request.ID)
			}
			if a.Request.ID < lastAdmit {
				t.Fatalf("admitted %d after %d: not FIFO", a.Request.ID, lastAdmit)
			}
			lastAdmit = a.Request.ID
			delete(queued, a.Request.ID)
			live = append(live, running{a.Request.ID, a.Pod})
		}
	}
	for step := range 20000 {
		now = now.Add(time.Duration(rng.IntN(100)) * time.Millisecond)
		switch k := rng.IntN(10); {
		case k < 5:
			id := nextID
			nextID++
			var dl time.Time
			if rng.IntN(2) == 0 {
				dl = now.Add(time.Duration(1+rng.IntN(3000)) * time.Millisecond)
			}
			res := th.Try(now, Request{ID: id, Deadline: dl})
			switch res.Outcome {
			case Admitted:
				live = append(live, running{id, res.Pod})
			case Queued:
				queued[id] = true
			}
		case k < 8 && len(live) > 0:
			i := rng.IntN(len(live))
			r := live[i]
			live = append(live[:i], live[i+1:]...)
			eff, err := th.Release(now, r.pod)
			if err != nil {
				t.Fatalf("step %d: Release(%s): %v", step, r.pod, err)
			}
			admitted(eff.Admitted)
			for _, x := range eff.Expired {
				delete(queued, x.ID)
			}
		case k == 8:
			for _, x := range th.Expire(now) {
				delete(queued, x.ID)
			}
		case churn:
			n := 1 + rng.IntN(5)
			perm := rng.Perm(len(names))[:n]
			set := make([]string, n)
			for i, p := range perm {
				set[i] = names[p]
			}
			eff := th.UpdatePods(now, set)
			admitted(eff.Admitted)
			for _, x := range eff.Expired {
				delete(queued, x.ID)
			}
		}

		perPod := map[string]int{}
		for _, r := range live {
			perPod[r.pod]++
			if perPod[r.pod] > 1 {
				t.Fatalf("step %d: pod %s has %d requests", step, r.pod, perPod[r.pod])
			}
		}
		if len(live) > 5 || th.InFlight() != len(live) {
			t.Fatalf("step %d: %d live, throttler says %d in flight", step, len(live), th.InFlight())
		}
		if th.Waiting() != len(queued) {
			t.Fatalf("step %d: %d queued, throttler says %d waiting", step, len(queued), th.Waiting())
		}
		if th.Waiting() > 0 && th.InFlight() < th.Capacity() {
			t.Fatalf("step %d: %d waiting with %d/%d in flight", step, th.Waiting(), th.InFlight(), th.Capacity())
		}
	}
}
