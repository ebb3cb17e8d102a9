package delivery

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/apis/duck"
	"github.com/knsim/knsim/system/eventing/wire"
)

// timerClock is a FakeClock that reports every timer it registers, so a
// test can step time exactly when the Dispatcher waits.
type timerClock struct {
	*clocktesting.FakeClock
	timers chan time.Duration
}

func newTimerClock() *timerClock {
	return &timerClock{FakeClock: clocktesting.NewFakeClock(t0), timers: make(chan time.Duration, 1024)}
}

func (c *timerClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	t := c.FakeClock.AfterFunc(d, f)
	c.timers <- d
	return t
}

// recorder collects decisions per event id.
type recorder struct {
	mu    sync.Mutex
	byID  map[string][]Decision
	kinds map[string][]Kind
	final chan Decision
}

func newRecorder() *recorder {
	return &recorder{byID: map[string][]Decision{}, kinds: map[string][]Kind{}, final: make(chan Decision, 1024)}
}

func (r *recorder) observe(d *Delivery, dec Decision) {
	r.mu.Lock()
	id := d.Event().ID()
	r.byID[id] = append(r.byID[id], dec)
	r.kinds[id] = append(r.kinds[id], d.Kind())
	r.mu.Unlock()
	if dec.Action == Done || dec.Action == Drop {
		r.final <- dec
	}
}

// drive steps the clock for every timer until n deliveries are final.
func drive(t *testing.T, c *timerClock, r *recorder, n int) []Decision {
	t.Helper()
	var finals []Decision
	deadline := time.NewTimer(20 * time.Second) // a hang guard, not a wait
	defer deadline.Stop()
	for len(finals) < n {
		select {
		case d := <-c.timers:
			c.Step(d)
		case dec := <-r.final:
			finals = append(finals, dec)
		case <-deadline.C:
			t.Fatalf("only %d of %d deliveries finished", len(finals), n)
		}
	}
	return finals
}

func TestDispatcherRetriesThenDelivers(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := wire.ReadRequest(r, 0)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.Header.Get("Prefer") != "reply" {
			t.Errorf("missing Prefer: reply")
		}
		mu.Lock()
		seen[ev.ID()]++
		n := seen[ev.ID()]
		mu.Unlock()
		if n <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sub.Close()

	policy, err := FromSpec(&duck.DeliverySpec{
		Retry: ptr(int32(5)), BackoffPolicy: ptr(duck.BackoffPolicyExponential), BackoffDelay: ptr("PT0.2S"),
	})
	if err != nil {
		t.Fatal(err)
	}
	clk := newTimerClock()
	x := NewDispatcher(clk, DispatcherOptions{})
	defer x.Close()
	rec := newRecorder()
	const n = 20
	for i := range n {
		x.Start(New(newEvent(fmt.Sprintf("e%02d", i)), sub.URL, policy, Options{}), rec.observe)
	}
	finals := drive(t, clk, rec, n)
	for _, f := range finals {
		if f.Action != Done || f.Attempts != 3 {
			t.Errorf("final = %v after %d attempts, want Done after 3", f.Action, f.Attempts)
		}
	}
	want := []summary{
		{Action: Retry, Wait: 200 * time.Millisecond, Status: 503, Attempts: 1},
		{Action: Retry, Wait: 400 * time.Millisecond, Status: 503, Attempts: 2},
		{Action: Done, Status: 202, Attempts: 3},
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for id, decs := range rec.byID {
		var got []summary
		for _, d := range decs {
			got = append(got, summarize(d))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s decisions (-want +got):\n%s", id, diff)
		}
	}
	if len(seen) != n || x.InFlight() != 0 {
		t.Errorf("subscriber saw %d events, in flight %d", len(seen), x.InFlight())
	}
}

func TestDispatcherDeadLettersEverything(t *testing.T) {
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("boom"))
	}))
	defer sub.Close()
	var mu sync.Mutex
	type dead struct{ Dest, Code, Data string }
	got := map[string]dead{}
	dls := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := wire.ReadRequest(r, 0)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ext := ev.Extensions()
		mu.Lock()
		got[ev.ID()] = dead{fmt.Sprint(ext[ExtErrorDest]), fmt.Sprint(ext[ExtErrorCode]), fmt.Sprint(ext[ExtErrorData])}
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer dls.Close()

	policy := Policy{Retry: 2, BackoffPolicy: duck.BackoffPolicyLinear, BackoffDelay: time.Second, DeadLetterURI: dls.URL}
	clk := newTimerClock()
	x := NewDispatcher(clk, DispatcherOptions{})
	defer x.Close()
	rec := newRecorder()
	const n = 10
	for i := range n {
		x.Start(New(newEvent(fmt.Sprintf("e%02d", i)), sub.URL+"/fail", policy, Options{}), rec.observe)
	}
	drive(t, clk, rec, n)
	want := map[string]dead{}
	for i := range n {
		want[fmt.Sprintf("e%02d", i)] = dead{sub.URL + "/fail", "500", base64.StdEncoding.EncodeToString([]byte("boom"))}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dead letters (-want +got):\n%s", diff)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for id, kinds := range rec.kinds {
		wantKinds := []Kind{ToSubscriber, ToSubscriber, ToSubscriber, ToDeadLetter}
		if diff := cmp.Diff(wantKinds, kinds); diff != "" {
			t.Errorf("%s kinds (-want +got):\n%s", id, diff)
		}
		var actions []Action
		var waits []time.Duration
		for _, d := range rec.byID[id] {
			actions = append(actions, d.Action)
			waits = append(waits, d.Wait)
		}
		if diff := cmp.Diff([]Action{Retry, Retry, DeadLetter, Done}, actions); diff != "" {
			t.Errorf("%s actions (-want +got):\n%s", id, diff)
		}
		// Linear, dispatcher variant: the first retry is immediate.
		if diff := cmp.Diff([]time.Duration{0, time.Second, 0, 0}, waits); diff != "" {
			t.Errorf("%s waits (-want +got):\n%s", id, diff)
		}
	}
}

func TestDispatcherTimeoutAndReply(t *testing.T) {
	arrived := make(chan struct{}, 4)
	var mu sync.Mutex
	calls := 0
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			arrived <- struct{}{}
			<-r.Context().Done() // hang until the dispatcher's timeout cancels
			return
		}
		reply := newEvent("reply-1")
		if err := wire.WriteEvent(w, reply, http.StatusOK); err != nil {
			t.Error(err)
		}
	}))
	defer sub.Close()

	clk := newTimerClock()
	x := NewDispatcher(clk, DispatcherOptions{})
	defer x.Close()
	rec := newRecorder()
	policy := Policy{Retry: 1, Timeout: 5 * time.Second}
	x.Start(New(newEvent("e1"), sub.URL, policy, Options{}), rec.observe)

	if d := <-clk.timers; d != 5*time.Second {
		t.Fatalf("first timer = %v, want the 5s attempt timeout", d)
	}
	<-arrived
	clk.Step(5 * time.Second)
	// The retry is immediate (no backoff); its own timeout timer is never
	// stepped, so the second attempt runs to completion.
	if d := <-clk.timers; d != 5*time.Second {
		t.Fatalf("second timer = %v, want the 5s attempt timeout", d)
	}
	finals := []Decision{<-rec.final}
	if finals[0].Action != Done || finals[0].Reply == nil || finals[0].Reply.ID() != "reply-1" {
		t.Fatalf("final = %+v, want Done with reply-1", finals[0])
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var statuses []int
	for _, d := range rec.byID["e1"] {
		statuses = append(statuses, d.Status)
	}
	sort.Ints(statuses)
	if diff := cmp.Diff([]int{200, 500}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}
