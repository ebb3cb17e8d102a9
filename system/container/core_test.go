package container

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// counting returns a sampler that logs its name and answers d.
func counting(log *[]string, name string, d time.Duration) Sampler {
	return func(*rand.Rand) time.Duration {
		*log = append(*log, name)
		return d
	}
}

func newCore(t *testing.T, w Workload) *Core {
	t.Helper()
	c, err := New(t0, w, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewValidates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		work Workload
		rng  *rand.Rand
	}{
		{"negative MaxInFlight", Workload{MaxInFlight: -1}, rng},
		{"negative CPU", Workload{CPUPerRequestMilli: -1}, rng},
		{"no random stream", Workload{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(t0, tc.work, tc.rng); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

// step is one call on a Core and what it answered.
type step struct {
	Op      string // admit, finish, cancel
	ID      uint64 // admit's and cancel's id; finish's next
	D       time.Duration
	OK      bool // admit: started; finish: a waiter started; cancel: withdrawn
	Working int
	Waiting int
}

func TestAdmitFinishCancel(t *testing.T) {
	for _, tc := range []struct {
		name string
		work Workload
		ops  []step // Op and, for admit and cancel, ID
		want []step
		log  []string // sampler calls, in order
	}{{
		name: "no limit: everything starts at once; only the first request is cold",
		work: Workload{},
		ops:  []step{{Op: "admit", ID: 1}, {Op: "admit", ID: 2}, {Op: "finish"}, {Op: "finish"}},
		want: []step{
			{Op: "admit", ID: 1, D: 110 * time.Millisecond, OK: true, Working: 1},
			{Op: "admit", ID: 2, D: 10 * time.Millisecond, OK: true, Working: 2},
			{Op: "finish", Working: 1},
			{Op: "finish"},
		},
		log: []string{"service", "cold", "service"},
	}, {
		name: "MaxInFlight 1: first come first served, the next starts at the finish",
		work: Workload{MaxInFlight: 1},
		ops:  []step{{Op: "admit", ID: 1}, {Op: "admit", ID: 2}, {Op: "admit", ID: 3}, {Op: "finish"}, {Op: "finish"}, {Op: "finish"}, {Op: "finish"}},
		want: []step{
			{Op: "admit", ID: 1, D: 110 * time.Millisecond, OK: true, Working: 1},
			{Op: "admit", ID: 2, Working: 1, Waiting: 1},
			{Op: "admit", ID: 3, Working: 1, Waiting: 2},
			{Op: "finish", ID: 2, D: 10 * time.Millisecond, OK: true, Working: 1, Waiting: 1},
			{Op: "finish", ID: 3, D: 10 * time.Millisecond, OK: true, Working: 1},
			{Op: "finish"},
			{Op: "finish"}, // nothing working: no change
		},
		log: []string{"service", "cold", "service", "service"},
	}, {
		name: "a cancelled waiter never starts; a started one cannot be cancelled",
		work: Workload{MaxInFlight: 1},
		ops:  []step{{Op: "admit", ID: 1}, {Op: "admit", ID: 2}, {Op: "admit", ID: 3}, {Op: "cancel", ID: 2}, {Op: "cancel", ID: 1}, {Op: "finish"}, {Op: "finish"}},
		want: []step{
			{Op: "admit", ID: 1, D: 110 * time.Millisecond, OK: true, Working: 1},
			{Op: "admit", ID: 2, Working: 1, Waiting: 1},
			{Op: "admit", ID: 3, Working: 1, Waiting: 2},
			{Op: "cancel", ID: 2, OK: true, Working: 1, Waiting: 1},
			{Op: "cancel", ID: 1, Working: 1, Waiting: 1},
			{Op: "finish", ID: 3, D: 10 * time.Millisecond, OK: true, Working: 1},
			{Op: "finish"},
		},
		log: []string{"service", "cold", "service"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var log []string
			w := tc.work
			w.ServiceTime = counting(&log, "service", 10*time.Millisecond)
			w.ColdStartExtra = counting(&log, "cold", 100*time.Millisecond)
			c := newCore(t, w)
			var got []step
			for i, op := range tc.ops {
				now := at(time.Duration(i) * time.Millisecond)
				s := step{Op: op.Op, ID: op.ID}
				switch op.Op {
				case "admit":
					s.D, s.OK = c.Admit(now, op.ID)
				case "finish":
					s.ID, s.D, s.OK = c.Finish(now)
				case "cancel":
					s.OK = c.Cancel(op.ID)
				}
				s.Working, s.Waiting = c.Working(), c.Waiting()
				got = append(got, s)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.log, log); diff != "" {
				t.Errorf("draws (-want +got):\n%s", diff)
			}
			if !c.Idle() {
				t.Errorf("Idle() = false after everything finished")
			}
		})
	}
}

// Without a ServiceTime the container holds a request DefaultServiceTime.
func TestDefaultServiceTime(t *testing.T) {
	c := newCore(t, Workload{})
	if d, ok := c.Admit(t0, 1); !ok || d != DefaultServiceTime {
		t.Errorf("Admit = %s, %v; want %s, true", d, ok, DefaultServiceTime)
	}
}

// A container's CPU use is its working requests times the CPU each uses,
// averaged over the window since the last close; waiting costs nothing.
func TestCloseCPUWindow(t *testing.T) {
	c := newCore(t, Workload{MaxInFlight: 2, CPUPerRequestMilli: 200})
	type window struct {
		Milli float64
		OK    bool
	}
	var got []window
	closeAt := func(d time.Duration) {
		m, ok := c.CloseCPUWindow(at(d))
		got = append(got, window{m, ok})
	}
	closeAt(0) // no length yet
	c.Admit(at(0), 1)
	c.Admit(at(0), 2)
	c.Admit(at(0), 3) // waits
	c.Finish(at(time.Second))
	c.Finish(at(time.Second)) // 3 starts
	c.Finish(at(2 * time.Second))
	// 2 x 200m for 1 s, then 1 x 200m for 1 s, over a 4 s window: 150m.
	closeAt(4 * time.Second)
	closeAt(5 * time.Second) // idle
	c.Admit(at(5*time.Second), 4)
	closeAt(5500 * time.Millisecond)
	want := []window{{0, false}, {150, true}, {0, true}, {200, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("windows (-want +got):\n%s", diff)
	}
}
