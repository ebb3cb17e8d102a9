package servingshell

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/container"
)

// A container's CPU use is its working requests times the CPU each uses,
// averaged over the window since the last report; waiting for a slot costs
// nothing.
func TestContainerCPU(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clocktesting.NewFakeClock(start)
	work := container.Workload{
		ServiceTime:        func(*rand.Rand) time.Duration { return time.Second },
		MaxInFlight:        2,
		CPUPerRequestMilli: 200,
	}
	c, err := NewContainer(clk, work, "", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	pd := &pod{name: "p-1", container: c}

	// Three requests at once: two work, one waits for a slot.
	var wg sync.WaitGroup
	var done atomic.Int32
	for range 3 {
		wg.Go(func() {
			c.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
			done.Add(1)
		})
	}
	g := NewWithT(t)
	// The requests run on goroutines of their own and reach the fake
	// clock's timers when they do; the clock moves on only once each has
	// done what it does at the current instant (finishing included).
	g.Eventually(clk.Waiters).Should(Equal(2))
	clk.Step(time.Second) // the first two finish; the third starts
	g.Eventually(done.Load).Should(Equal(int32(2)))
	g.Eventually(clk.Waiters).Should(Equal(1))
	clk.Step(time.Second) // the third finishes
	wg.Wait()
	clk.Step(2 * time.Second) // idle

	// 2 x 200m for 1 s, then 1 x 200m for 1 s, over a 4 s window: 150m.
	got := podCPU(clk.Now(), []*pod{pd})
	if diff := cmp.Diff([]hpa.Usage{{Pod: "p-1", Milli: 150}}, got); diff != "" {
		t.Errorf("first window (-want +got):\n%s", diff)
	}
	clk.Step(time.Second)
	if diff := cmp.Diff([]hpa.Usage{{Pod: "p-1", Milli: 0}}, podCPU(clk.Now(), []*pod{pd})); diff != "" {
		t.Errorf("idle window (-want +got):\n%s", diff)
	}
}
