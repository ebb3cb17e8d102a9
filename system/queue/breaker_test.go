package queue

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// op is one call on a Breaker in a scripted test.
type op struct {
	kind string // acquire, try, release, cancel, update
	id   uint64
	n    int
}

// res is what one op returned.
type res struct {
	Decision Decision
	Err      error
	Admitted []uint64
	OK       bool
}

func acquire(id uint64) op { return op{kind: "acquire", id: id} }
func try() op              { return op{kind: "try"} }
func release() op          { return op{kind: "release"} }
func cancel(id uint64) op  { return op{kind: "cancel", id: id} }
func update(n int) op      { return op{kind: "update", n: n} }

func run(t *testing.T, b *Breaker, ops []op) []res {
	t.Helper()
	out := make([]res, 0, len(ops))
	for _, o := range ops {
		var r res
		switch o.kind {
		case "acquire":
			r.Decision, r.Err = b.Acquire(o.id)
		case "try":
			r.OK = b.TryAcquire()
		case "release":
			r.Admitted, r.Err = b.Release()
		case "cancel":
			r.OK = b.Cancel(o.id)
		case "update":
			r.Admitted, r.Err = b.UpdateConcurrency(o.n)
		default:
			t.Fatalf("unknown op %q", o.kind)
		}
		out = append(out, r)
	}
	return out
}

func TestBreaker(t *testing.T) {
	type state struct{ InFlight, Waiting, Capacity int }
	tests := []struct {
		name   string
		params Params
		ops    []op
		want   []res
		final  state
	}{{
		name:   "admit up to capacity, queue up to depth, reject beyond",
		params: Params{QueueDepth: 2, MaxConcurrency: 2, InitialCapacity: 2},
		ops:    []op{acquire(1), acquire(2), acquire(3), acquire(4), acquire(5)},
		want: []res{
			{Decision: Admitted}, {Decision: Admitted},
			{Decision: Queued}, {Decision: Queued},
			{Decision: Rejected, Err: ErrRequestQueueFull},
		},
		final: state{InFlight: 2, Waiting: 2, Capacity: 2},
	}, {
		name:   "release admits waiters first in first out",
		params: Params{QueueDepth: 3, MaxConcurrency: 1, InitialCapacity: 1},
		ops:    []op{acquire(7), acquire(3), acquire(9), acquire(1), release(), release(), release(), release()},
		want: []res{
			{Decision: Admitted}, {Decision: Queued}, {Decision: Queued}, {Decision: Queued},
			{Admitted: []uint64{3}}, {Admitted: []uint64{9}}, {Admitted: []uint64{1}}, {},
		},
		final: state{Capacity: 1},
	}, {
		name:   "queue place frees when a waiter is admitted",
		params: Params{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: 1},
		ops:    []op{acquire(1), acquire(2), acquire(3), release(), acquire(3)},
		want: []res{
			{Decision: Admitted}, {Decision: Queued}, {Decision: Rejected, Err: ErrRequestQueueFull},
			{Admitted: []uint64{2}}, {Decision: Queued},
		},
		final: state{InFlight: 1, Waiting: 1, Capacity: 1},
	}, {
		name:   "cancel withdraws a waiter and keeps the order of the rest",
		params: Params{QueueDepth: 3, MaxConcurrency: 1, InitialCapacity: 1},
		ops:    []op{acquire(1), acquire(2), acquire(3), cancel(2), cancel(2), cancel(1), release()},
		want: []res{
			{Decision: Admitted}, {Decision: Queued}, {Decision: Queued},
			{OK: true}, {OK: false}, {OK: false}, {Admitted: []uint64{3}},
		},
		final: state{InFlight: 1, Capacity: 1},
	}, {
		name:   "containerConcurrency 0 is unlimited",
		params: Params{},
		ops:    []op{acquire(1), acquire(2), acquire(3), try(), release(), update(0), update(1)},
		want: []res{
			{Decision: Admitted}, {Decision: Admitted}, {Decision: Admitted}, {OK: true},
			{}, {}, {Err: ErrUpdateCapacity},
		},
		final: state{InFlight: 3},
	}, {
		name:   "growing capacity admits several waiters at once",
		params: Params{QueueDepth: 10, MaxConcurrency: 10},
		ops:    []op{acquire(1), acquire(2), acquire(3), update(2), update(0), release(), release(), update(1)},
		want: []res{
			{Decision: Queued}, {Decision: Queued}, {Decision: Queued},
			{Admitted: []uint64{1, 2}}, {}, {}, {}, {Admitted: []uint64{3}},
		},
		final: state{InFlight: 1, Capacity: 1},
	}, {
		name:   "shrinking capacity evicts nobody and admits only below it",
		params: Params{QueueDepth: 10, MaxConcurrency: 3, InitialCapacity: 3},
		ops:    []op{acquire(1), acquire(2), acquire(3), acquire(4), update(1), release(), release(), release()},
		want: []res{
			{Decision: Admitted}, {Decision: Admitted}, {Decision: Admitted}, {Decision: Queued},
			{}, {}, {}, {Admitted: []uint64{4}},
		},
		final: state{InFlight: 1, Capacity: 1},
	}, {
		name:   "try acquire never queues",
		params: Params{QueueDepth: 5, MaxConcurrency: 1, InitialCapacity: 1},
		ops:    []op{try(), try(), release(), try()},
		want:   []res{{OK: true}, {OK: false}, {}, {OK: true}},
		final:  state{InFlight: 1, Capacity: 1},
	}, {
		name:   "release without acquire fails",
		params: Params{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: 1},
		ops:    []op{release()},
		want:   []res{{Err: ErrRelease}},
		final:  state{Capacity: 1},
	}, {
		name:   "duplicate waiting id is refused",
		params: Params{QueueDepth: 5, MaxConcurrency: 1, InitialCapacity: 1},
		ops:    []op{acquire(1), acquire(2), acquire(2)},
		want:   []res{{Decision: Admitted}, {Decision: Queued}, {Decision: Rejected, Err: ErrDuplicateID}},
		final:  state{InFlight: 1, Waiting: 1, Capacity: 1},
	}, {
		name:   "capacity outside [0, max] is refused",
		params: Params{QueueDepth: 1, MaxConcurrency: 2, InitialCapacity: 1},
		ops:    []op{update(3), update(-1)},
		want:   []res{{Err: ErrUpdateCapacity}, {Err: ErrUpdateCapacity}},
		final:  state{Capacity: 1},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := New(tc.params)
			if err != nil {
				t.Fatalf("New(%+v): %v", tc.params, err)
			}
			got := run(t, b, tc.ops)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateErrors(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			final := state{InFlight: b.InFlight(), Waiting: b.Waiting(), Capacity: b.Capacity()}
			if diff := cmp.Diff(tc.final, final); diff != "" {
				t.Errorf("final state (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBreakerCounts(t *testing.T) {
	// 100 arrivals against cc=5 with queue-proxy's depth of 50.
	p, _ := ParamsFor(5)
	b, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[Decision]int{}
	for id := range uint64(100) {
		d, _ := b.Acquire(id)
		counts[d]++
	}
	want := map[Decision]int{Admitted: 5, Queued: 50, Rejected: 45}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint64{5, 6, 7}, b.WaitingIDs()[:3]); diff != "" {
		t.Errorf("queue head (-want +got):\n%s", diff)
	}
	// Draining releases admit the waiters in arrival order.
	var order []uint64
	for b.InFlight() > 0 {
		ids, err := b.Release()
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, ids...)
	}
	want2 := make([]uint64, 0, 50)
	for id := uint64(5); id < 55; id++ {
		want2 = append(want2, id)
	}
	if diff := cmp.Diff(want2, order); diff != "" {
		t.Errorf("admission order (-want +got):\n%s", diff)
	}
}

func TestParams(t *testing.T) {
	tests := []struct {
		name    string
		params  Params
		wantErr bool
	}{
		{name: "queue-proxy cc 10", params: Params{QueueDepth: 100, MaxConcurrency: 10, InitialCapacity: 10}},
		{name: "activator revision breaker", params: Params{QueueDepth: 10000, MaxConcurrency: MaxBreakerCapacity}},
		{name: "unlimited", params: Params{}},
		{name: "zero queue depth", params: Params{MaxConcurrency: 1, InitialCapacity: 1}, wantErr: true},
		{name: "negative queue depth", params: Params{QueueDepth: -1}, wantErr: true},
		{name: "negative max concurrency", params: Params{QueueDepth: 1, MaxConcurrency: -1}, wantErr: true},
		{name: "max concurrency too large", params: Params{QueueDepth: 1, MaxConcurrency: MaxBreakerCapacity + 1}, wantErr: true},
		{name: "initial capacity above max", params: Params{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: 2}, wantErr: true},
		{name: "negative initial capacity", params: Params{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: -1}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := New(tc.params)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Fatalf("New(%+v) error = %v, want error %v", tc.params, err, tc.wantErr)
			}
			if err == nil && b == nil {
				t.Fatal("New returned nil breaker and nil error")
			}
		})
	}
}

func TestParamsFor(t *testing.T) {
	tests := []struct {
		name   string
		cc     int
		want   Params
		wantOK bool
	}{
		{name: "cc 0 has no breaker", cc: 0},
		{name: "negative cc has no breaker", cc: -3},
		{name: "cc 1", cc: 1, want: Params{QueueDepth: 10, MaxConcurrency: 1, InitialCapacity: 1}, wantOK: true},
		{name: "cc 100", cc: 100, want: Params{QueueDepth: 1000, MaxConcurrency: 100, InitialCapacity: 100}, wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParamsFor(tc.cc)
			if ok != tc.wantOK {
				t.Errorf("ok = %v, want %v", ok, tc.wantOK)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	got := []string{Admitted.String(), Queued.String(), Rejected.String(), Decision(0).String()}
	want := []string{"Admitted", "Queued", "Rejected", "Decision(0)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
