package servingshell

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/queue"
)

// blocking is a handler that answers once release is closed.
type blocking struct{ entered, release chan struct{} }

func (b blocking) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	b.entered <- struct{}{}
	<-b.release
}

func TestRevisionObserve(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clocktesting.NewFakeClock(t0)
	newPod := func(name string, h http.Handler) *pod {
		qp, err := queue.NewProxyHandler(1, clk, h)
		if err != nil {
			t.Fatal(err)
		}
		return &pod{name: name, qp: qp, clk: clk, idleSince: clk.Now()}
	}
	b := blocking{entered: make(chan struct{}), release: make(chan struct{})}
	busy, idle := newPod("a", b), newPod("b", http.NotFoundHandler())
	rev := &revision{actStats: queue.NewStats(t0)}

	// Three requests at the activator: one served by a, one done on b at
	// 2s, one waiting for an instance.
	for range 3 {
		rev.actIn(t0)
	}
	done := make(chan struct{})
	go func() {
		busy.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		close(done)
	}()
	<-b.entered
	clk.Step(2 * time.Second)
	idle.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	rev.actOut(clk.Now())

	got := rev.observe([]*pod{busy, idle}, []*pod{busy, idle})
	want := policy.Observation{
		Pods:        []policy.Pod{{Name: "a", InFlight: 1}, {Name: "b", IdleSince: t0.Add(2 * time.Second)}},
		Waiting:     1,
		LastArrival: t0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("observe (-want +got):\n%s", diff)
	}
	close(b.release)
	<-done
}
