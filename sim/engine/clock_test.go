package engine_test

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"

	"github.com/knsim/knsim/sim/engine"
)

// recv returns what is buffered on c without blocking.
func recv(c <-chan time.Time) (time.Time, bool) {
	select {
	case v := <-c:
		return v, true
	default:
		return time.Time{}, false
	}
}

func TestClockImplementsInterfaces(t *testing.T) {
	var c any = newEngine(t, 1).Clock()
	for name, ok := range map[string]bool{
		"PassiveClock":                  is[clock.PassiveClock](c),
		"Clock":                         is[clock.Clock](c),
		"WithTicker":                    is[clock.WithTicker](c),
		"WithDelayedExecution":          is[clock.WithDelayedExecution](c),
		"WithTickerAndDelayedExecution": is[clock.WithTickerAndDelayedExecution](c),
	} {
		if !ok {
			t.Errorf("*Clock does not implement %s", name)
		}
	}
}

func is[T any](v any) bool { _, ok := v.(T); return ok }

func TestTickerNoDrift(t *testing.T) {
	e := newEngine(t, 1)
	c := e.Clock()
	// A period that is not a round number of anything exposes accumulated
	// rounding; 1000 ticks must land exactly on start + k*period.
	const period = 333_333_337 * time.Nanosecond
	e.RunUntil(t0.Add(17 * time.Millisecond)) // ticker base is its creation time
	base := c.Now()
	tk := c.NewTicker(period)
	var got, want []time.Time
	for k := 1; k <= 1000; k++ {
		e.Step()
		v, ok := recv(tk.C())
		if !ok {
			t.Fatalf("tick %d not delivered", k)
		}
		got = append(got, v)
		want = append(want, base.Add(time.Duration(k)*period))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tick times (-want +got):\n%s", diff)
	}
	tk.Stop()
	if e.Pending() != 0 {
		t.Errorf("Pending() = %d after Stop, want 0", e.Pending())
	}
}

func TestTickerDropsForSlowReader(t *testing.T) {
	e := newEngine(t, 1)
	tk := e.Clock().NewTicker(time.Second)
	e.RunUntil(t0.Add(5 * time.Second)) // five ticks, nobody reading
	v, ok := recv(tk.C())
	if !ok || !v.Equal(t0.Add(time.Second)) {
		t.Errorf("first buffered tick = %v, %v; want t0+1s (later ones dropped)", v, ok)
	}
	if _, ok := recv(tk.C()); ok {
		t.Error("more than one tick buffered")
	}
	e.RunUntil(t0.Add(6 * time.Second))
	if v, _ := recv(tk.C()); !v.Equal(t0.Add(6 * time.Second)) {
		t.Errorf("tick after drain = %v, want t0+6s (schedule unaffected by drops)", v)
	}
}

func TestTickerStopReset(t *testing.T) {
	e := newEngine(t, 1)
	c := e.Clock()
	tk := c.NewTicker(time.Second)
	e.RunUntil(t0.Add(time.Second)) // one tick buffered
	tk.Stop()
	if _, ok := recv(tk.C()); ok {
		t.Error("stale tick received after Stop")
	}
	e.RunUntil(t0.Add(10 * time.Second))
	if _, ok := recv(tk.C()); ok {
		t.Error("tick after Stop")
	}

	// Reset restarts from Now with the new period, even after Stop.
	e.RunUntil(t0.Add(10*time.Second + 500*time.Millisecond))
	tk.(*engine.Ticker).Reset(2 * time.Second)
	var got []time.Duration
	for range 3 {
		e.Step()
		v, _ := recv(tk.C())
		got = append(got, v.Sub(t0))
	}
	want := []time.Duration{12500 * time.Millisecond, 14500 * time.Millisecond, 16500 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ticks after Reset (-want +got):\n%s", diff)
	}
	if c.Tick(0) != nil {
		t.Error("Tick(0) != nil")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("NewTicker(0) did not panic")
			}
		}()
		c.NewTicker(0)
	}()
}

func TestTimerStopReset(t *testing.T) {
	for _, tc := range []struct {
		name      string
		run       func(e *engine.Engine, tm clock.Timer) []bool // results of Stop/Reset calls
		wantCalls []bool
		wantFire  time.Duration // -1: must not fire
	}{
		{
			name:     "fires",
			run:      func(*engine.Engine, clock.Timer) []bool { return nil },
			wantFire: 5 * time.Second,
		},
		{
			name:      "stop pending",
			run:       func(_ *engine.Engine, tm clock.Timer) []bool { return []bool{tm.Stop(), tm.Stop()} },
			wantCalls: []bool{true, false},
			wantFire:  -1,
		},
		{
			name: "stop after fire drains",
			run: func(e *engine.Engine, tm clock.Timer) []bool {
				e.RunUntil(t0.Add(5 * time.Second))
				return []bool{tm.Stop()}
			},
			wantCalls: []bool{false},
			wantFire:  -1,
		},
		{
			name: "reset pending",
			run: func(e *engine.Engine, tm clock.Timer) []bool {
				e.RunUntil(t0.Add(2 * time.Second))
				return []bool{tm.Reset(time.Second)}
			},
			wantCalls: []bool{true},
			wantFire:  3 * time.Second,
		},
		{
			name: "reset after stop",
			run: func(e *engine.Engine, tm clock.Timer) []bool {
				return []bool{tm.Stop(), tm.Reset(7 * time.Second)}
			},
			wantCalls: []bool{true, false},
			wantFire:  7 * time.Second,
		},
		{
			name: "reset after fire",
			run: func(e *engine.Engine, tm clock.Timer) []bool {
				e.RunUntil(t0.Add(6 * time.Second))
				return []bool{tm.Reset(time.Second)}
			},
			wantCalls: []bool{false},
			wantFire:  7 * time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t, 1)
			tm := e.Clock().NewTimer(5 * time.Second)
			calls := tc.run(e, tm)
			if diff := cmp.Diff(tc.wantCalls, calls); diff != "" {
				t.Errorf("Stop/Reset results (-want +got):\n%s", diff)
			}
			e.Run()
			v, ok := recv(tm.C())
			switch {
			case tc.wantFire < 0 && ok:
				t.Errorf("timer delivered %v, want nothing", v)
			case tc.wantFire >= 0 && (!ok || v.Sub(t0) != tc.wantFire):
				t.Errorf("timer delivered %v (ok=%v), want t0+%v", v.Sub(t0), ok, tc.wantFire)
			}
		})
	}
}

func TestAfterFuncOrdering(t *testing.T) {
	e := newEngine(t, 1)
	c := e.Clock()
	var got []string
	add := func(s string) func() {
		return func() { got = append(got, s+"@"+c.Since(t0).String()) }
	}
	c.AfterFunc(2*time.Second, add("a"))
	c.AfterFunc(time.Second, add("b"))
	c.AfterFunc(2*time.Second, add("c"))
	stopped := c.AfterFunc(time.Second, add("never"))
	moved := c.AfterFunc(time.Second, add("moved"))
	c.AfterFunc(0, func() {
		got = append(got, "zero@"+c.Since(t0).String())
		c.AfterFunc(0, add("nested")) // from inside an event: runs at the same instant, next
	})
	if !stopped.Stop() {
		t.Error("Stop of pending AfterFunc = false")
	}
	if !moved.Reset(3 * time.Second) {
		t.Error("Reset of pending AfterFunc = false")
	}
	if moved.C() != nil {
		t.Error("AfterFunc timer has a non-nil channel")
	}
	e.Run()
	want := []string{"zero@0s", "nested@0s", "b@1s", "a@2s", "c@2s", "moved@3s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AfterFunc order (-want +got):\n%s", diff)
	}
	if moved.Reset(time.Second) {
		t.Error("Reset of fired AfterFunc = true")
	}
	e.Run()
	if got[len(got)-1] != "moved@4s" {
		t.Errorf("re-armed AfterFunc: last = %q, want moved@4s", got[len(got)-1])
	}
}

func TestAfterAndSince(t *testing.T) {
	e := newEngine(t, 1)
	c := e.Clock()
	ch := c.After(1500 * time.Millisecond)
	e.RunUntil(t0.Add(time.Second))
	if _, ok := recv(ch); ok {
		t.Error("After fired early")
	}
	if d := c.Since(t0); d != time.Second {
		t.Errorf("Since(t0) = %v, want 1s", d)
	}
	e.RunUntil(t0.Add(2 * time.Second))
	if v, ok := recv(ch); !ok || !v.Equal(t0.Add(1500*time.Millisecond)) {
		t.Errorf("After delivered %v, %v; want t0+1.5s", v, ok)
	}
	if d := c.Since(t0.Add(3 * time.Second)); d != -time.Second {
		t.Errorf("Since(future) = %v, want -1s", d)
	}
}

// waitPending yields until the engine holds n events; it waits on another
// goroutine's progress without reading the wall clock.
func waitPending(e *engine.Engine, n int) {
	for e.Pending() < n {
		runtime.Gosched()
	}
}

func TestSleepReleasedByDriver(t *testing.T) {
	e := newEngine(t, 1)
	c := e.Clock()
	c.Sleep(0) // returns at once, engine not needed
	done := make(chan time.Time)
	go func() {
		c.Sleep(5 * time.Second)
		done <- c.Now()
	}()
	waitPending(e, 1)
	e.RunUntil(t0.Add(4 * time.Second))
	select {
	case <-done:
		t.Fatal("Sleep returned before its virtual deadline")
	default:
	}
	e.RunUntil(t0.Add(6 * time.Second))
	if woke := <-done; woke.Before(t0.Add(5 * time.Second)) {
		t.Errorf("sleeper woke at %v, want >= t0+5s", woke.Sub(t0))
	}
}

// TestConcurrentClockUse has controller goroutines create timers, read the
// clock and stop timers while the driver fires events; run with -race.
func TestConcurrentClockUse(t *testing.T) {
	e := newEngine(t, 1)
	c := e.Clock()
	const workers, rounds = 4, 200
	var wg sync.WaitGroup
	var fired sync.WaitGroup
	fired.Add(workers * rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				_ = c.Now()
				c.AfterFunc(time.Duration(i%7)*time.Millisecond, fired.Done)
				tm := c.NewTimer(time.Duration(w+1) * time.Millisecond)
				if i%2 == 0 {
					tm.Stop()
				} else {
					tm.Reset(time.Millisecond)
				}
				<-c.After(time.Duration(i%3) * time.Millisecond)
			}
		}()
	}
	stop := make(chan struct{})
	go func() { wg.Wait(); close(stop) }()
	for {
		select {
		case <-stop:
			e.Run()
			fired.Wait() // every AfterFunc ran exactly once
			return
		default:
			if !e.Step() {
				runtime.Gosched()
			}
		}
	}
}
