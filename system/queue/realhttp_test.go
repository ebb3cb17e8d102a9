package queue

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/utils/clock"
	testingclock "k8s.io/utils/clock/testing"
)

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// gate is a user container that holds every request until opened.
type gate struct {
	open    chan struct{}
	mu      sync.Mutex
	running int
	maxRun  int
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.running++
	g.maxRun = max(g.maxRun, g.running)
	g.mu.Unlock()
	<-g.open
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (g *gate) max() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxRun
}

func TestProxyHandlerBreaker(t *testing.T) {
	g := newGate()
	h, err := NewProxyHandler(1, clock.RealClock{}, g)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// cc=1: one runs, ten (10 x cc) queue, the twelfth is refused.
	codes := make(chan int, 11)
	for i := range 11 {
		go func() {
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	eventually(t, "1 in flight and 10 waiting", func() bool { return h.InFlight() == 1 && h.Waiting() == 10 })

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("overflow status = %d, want 503", resp.StatusCode)
	}

	close(g.open)
	got := map[int]int{}
	for range 11 {
		got[<-codes]++
	}
	if diff := cmp.Diff(map[int]int{http.StatusOK: 11}, got); diff != "" {
		t.Errorf("status counts (-want +got):\n%s", diff)
	}
	if g.max() != 1 {
		t.Errorf("user container saw %d concurrent requests, want 1", g.max())
	}
	eventually(t, "breaker drained", func() bool { return h.InFlight() == 0 && h.Waiting() == 0 })
}

func TestProxyHandlerDeadlineWhileQueued(t *testing.T) {
	g := newGate()
	h, err := NewProxyHandler(1, clock.RealClock{}, g)
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan struct{})
	go func() {
		defer close(first)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
	eventually(t, "first request running", func() bool { return h.InFlight() == 1 })

	// A context whose deadline already passed leaves the queue at once.
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
	if h.Waiting() != 0 {
		t.Errorf("Waiting() = %d after deadline, want 0", h.Waiting())
	}
	close(g.open)
	<-first
	if h.InFlight() != 0 {
		t.Errorf("InFlight() = %d, want 0", h.InFlight())
	}
}

func TestProxyHandlerStats(t *testing.T) {
	fc := testingclock.NewFakeClock(t0)
	step := make(chan time.Duration)
	done := make(chan struct{})
	// The container advances the fake clock by the duration it is told.
	container := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fc.Step(<-step)
		done <- struct{}{}
	})
	h, err := NewProxyHandler(0, fc, container)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(proxied bool, d time.Duration) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		if proxied {
			req.Header.Set(ProxyHeaderName, ActivatorProxyValue)
		}
		errc := make(chan error, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		step <- d
		<-done
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	send(true, 250*time.Millisecond)  // 0 - 250ms, proxied
	send(false, 250*time.Millisecond) // 250 - 500ms
	fc.Step(500 * time.Millisecond)

	// A kubelet probe is neither counted nor limited.
	probe, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	probe.Header.Set("User-Agent", "kube-probe/1.37")
	go func() { step <- 0; <-done }()
	if resp, err := http.DefaultClient.Do(probe); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}

	want := Stat{AverageConcurrency: 0.5, AverageProxiedConcurrency: 0.25, RequestCount: 2, ProxiedRequestCount: 1}
	if diff := cmp.Diff(want, h.Report(), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
}
