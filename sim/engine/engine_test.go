package engine_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/engine"
)

var t0 = engine.DefaultStart

func newEngine(t testing.TB, seed uint64) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestNewValidatesStart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		start   time.Time
		want    time.Time
		wantErr string
	}{
		{name: "zero selects default", want: engine.DefaultStart},
		{name: "explicit", start: time.Date(2030, 5, 6, 7, 8, 9, 10, time.UTC), want: time.Date(2030, 5, 6, 7, 8, 9, 10, time.UTC)},
		{name: "before 1678", start: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), wantErr: "outside the Unix-nanosecond range"},
		{name: "after 2262", start: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), wantErr: "outside the Unix-nanosecond range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := engine.New(engine.Config{Start: tc.start})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New() error = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !e.Now().Equal(tc.want) || !e.Start().Equal(tc.want) {
				t.Errorf("Now() = %v, Start() = %v, want %v", e.Now(), e.Start(), tc.want)
			}
		})
	}
}

func TestOrdering(t *testing.T) {
	e := newEngine(t, 1)
	var got []string
	rec := func(s string) func(time.Time) {
		return func(now time.Time) { got = append(got, s+"@"+now.Sub(t0).String()) }
	}
	e.Schedule(t0.Add(2*time.Second), rec("c"))
	e.Schedule(t0.Add(time.Second), rec("a"))
	e.Schedule(t0.Add(2*time.Second), rec("d"))
	e.Schedule(t0.Add(time.Second), rec("b"))
	e.After(2*time.Second, func(now time.Time) {
		got = append(got, "e@"+now.Sub(t0).String())
		// Scheduled at the current time: runs after everything already
		// queued for this instant.
		e.After(0, rec("g"))
	})
	e.Schedule(t0.Add(2*time.Second), rec("f"))
	if n := e.Pending(); n != 6 {
		t.Fatalf("Pending() = %d, want 6", n)
	}
	e.Run()
	want := []string{"a@1s", "b@1s", "c@2s", "d@2s", "e@2s", "f@2s", "g@2s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("firing order (-want +got):\n%s", diff)
	}
	if e.Pending() != 0 || e.Fired() != 7 {
		t.Errorf("Pending() = %d, Fired() = %d, want 0, 7", e.Pending(), e.Fired())
	}
}

func TestCancel(t *testing.T) {
	e := newEngine(t, 1)
	var got []int
	ids := make([]engine.EventID, 6)
	for i := range ids {
		ids[i] = e.After(time.Duration(i)*time.Second, func(time.Time) { got = append(got, i) })
	}
	if !e.Cancel(ids[2]) || !e.Cancel(ids[0]) || !e.Cancel(ids[5]) {
		t.Fatal("Cancel of pending event returned false")
	}
	if e.Cancel(ids[2]) {
		t.Error("second Cancel returned true")
	}
	if e.Cancel(0) {
		t.Error("Cancel(0) returned true")
	}
	if n := e.Pending(); n != 3 {
		t.Errorf("Pending() = %d, want 3", n)
	}
	e.Step()
	if e.Cancel(ids[1]) {
		t.Error("Cancel of fired event returned true")
	}
	// Slot reuse must not let an old ID cancel the new occupant.
	e.After(time.Hour, func(time.Time) { got = append(got, 99) })
	if e.Cancel(ids[1]) || e.Cancel(ids[2]) {
		t.Error("stale ID cancelled a reused slot")
	}
	e.Run()
	if diff := cmp.Diff([]int{1, 3, 4, 99}, got); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
}

func TestRunUntilAndClamp(t *testing.T) {
	e := newEngine(t, 1)
	var got []time.Duration
	rec := func(now time.Time) { got = append(got, now.Sub(t0)) }
	e.After(time.Second, rec)
	e.After(3*time.Second, rec)
	e.After(5*time.Second, rec)
	e.RunUntil(t0.Add(3 * time.Second))
	if diff := cmp.Diff([]time.Duration{time.Second, 3 * time.Second}, got); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
	e.RunUntil(t0.Add(4 * time.Second))
	if d := e.Now().Sub(t0); d != 4*time.Second {
		t.Errorf("Now() = t0+%v, want t0+4s", d)
	}
	if next, ok := e.Next(); !ok || !next.Equal(t0.Add(5*time.Second)) {
		t.Errorf("Next() = %v, %v; want t0+5s, true", next, ok)
	}
	// In the past: clamped to Now and counted.
	e.Schedule(t0, rec)
	if c := e.Clamped(); c != 1 {
		t.Errorf("Clamped() = %d, want 1", c)
	}
	e.RunUntil(t0) // earlier than Now: fires due events, time stays put
	if d := e.Now().Sub(t0); d != 4*time.Second {
		t.Errorf("Now() = t0+%v after RunUntil(past), want t0+4s", d)
	}
	e.RunFor(10 * time.Second)
	want := []time.Duration{time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
	if d := e.Now().Sub(t0); d != 14*time.Second {
		t.Errorf("Now() = t0+%v, want t0+14s", d)
	}
	if e.Step() {
		t.Error("Step() on empty queue returned true")
	}
	if _, ok := e.Next(); ok {
		t.Error("Next() on empty queue returned ok")
	}
}

func TestHookAndLabels(t *testing.T) {
	var fired []engine.Fired
	e, err := engine.New(engine.Config{Hook: func(f engine.Fired) { fired = append(fired, f) }})
	if err != nil {
		t.Fatal(err)
	}
	e.AfterLabeled(time.Second, "x", func(time.Time) {})
	e.After(time.Second, func(time.Time) {})
	e.ScheduleLabeled(t0.Add(2*time.Second), "y", func(time.Time) {})
	h0 := e.TraceHash()
	e.Run()
	want := []engine.Fired{
		{At: t0.Add(time.Second), Seq: 1, Label: "x"},
		{At: t0.Add(time.Second), Seq: 2},
		{At: t0.Add(2 * time.Second), Seq: 3, Label: "y"},
	}
	if diff := cmp.Diff(want, fired); diff != "" {
		t.Errorf("hook saw (-want +got):\n%s", diff)
	}
	if e.TraceHash() == h0 {
		t.Error("TraceHash unchanged by labelled events")
	}
}

func TestSchedulePanicsOnNil(t *testing.T) {
	e := newEngine(t, 1)
	defer func() {
		if recover() == nil {
			t.Error("Schedule(nil) did not panic")
		}
	}()
	e.After(0, nil)
}

// TestQueueAgainstModel drives random schedule/cancel/step operations and
// checks the firing order against a sorted reference list.
func TestQueueAgainstModel(t *testing.T) {
	type ev struct {
		at  time.Duration
		seq int
	}
	r := rand.New(rand.NewPCG(7, 7))
	e := newEngine(t, 1)
	var model []ev // pending, unordered
	ids := map[int]engine.EventID{}
	var got, want []ev
	seq := 0
	for op := 0; op < 20000; op++ {
		switch k := r.IntN(10); {
		case k < 5: // schedule, often at colliding times
			now := e.Now().Sub(t0)
			at := now + time.Duration(r.IntN(50))*time.Millisecond
			seq++
			x := ev{at: at, seq: seq}
			ids[seq] = e.Schedule(t0.Add(at), func(n time.Time) { got = append(got, ev{n.Sub(t0), x.seq}) })
			model = append(model, x)
		case k < 7 && len(model) > 0: // cancel a random pending event
			i := r.IntN(len(model))
			if !e.Cancel(ids[model[i].seq]) {
				t.Fatalf("op %d: Cancel(pending seq %d) = false", op, model[i].seq)
			}
			model = slices.Delete(model, i, i+1)
		default: // fire one
			if len(model) == 0 {
				if e.Step() {
					t.Fatalf("op %d: Step fired with empty model", op)
				}
				continue
			}
			i := 0
			for j, m := range model {
				if m.at < model[i].at || (m.at == model[i].at && m.seq < model[i].seq) {
					i = j
				}
			}
			want = append(want, model[i])
			model = slices.Delete(model, i, i+1)
			e.Step()
		}
		if e.Pending() != len(model) {
			t.Fatalf("op %d: Pending() = %d, model has %d", op, e.Pending(), len(model))
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(ev{})); diff != "" {
		t.Errorf("firing order differs from model (-want +got):\n%s", diff)
	}
}
