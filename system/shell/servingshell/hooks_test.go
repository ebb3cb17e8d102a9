package servingshell_test

import (
	"net/http"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/shell/servingshell"
	"github.com/knsim/knsim/system/telemetry"
)

// recorded collects what the shell's OnRequest and OnSecond report.
type recorded struct {
	mu       sync.Mutex
	requests []telemetry.Record
	seconds  []telemetry.RevisionSecond
}

func (r *recorded) request(rec telemetry.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, rec)
}

func (r *recorded) second(_ time.Time, l []telemetry.RevisionSecond) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seconds = append(r.seconds, l...)
}

func (r *recorded) get() ([]telemetry.Record, []telemetry.RevisionSecond) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]telemetry.Record(nil), r.requests...), append([]telemetry.RevisionSecond(nil), r.seconds...)
}

var _ = Describe("Shell hooks (OnRequest, OnSecond)", func() {
	It("records each routed request as the simulated shell does, and each second's load", func(ctx SpecContext) {
		rec := &recorded{}
		p, err := servingshell.New(servingshell.Config{DefaultWorkload: container.Workload{ServiceTime: constant(20 * time.Millisecond)},
			Seed: 1, OnRequest: rec.request, OnSecond: rec.second})
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Start(ctx)).To(Succeed())
		DeferCleanup(p.Close)

		// At zero the request waits in the activator: a cold start.
		Expect(p.Sync(ctx, snapshot(true, time.Minute))).To(Succeed())
		ch := getAsync(ctx, p.Addr(), helloHost)
		Consistently(ch).WithTimeout(100 * time.Millisecond).ShouldNot(Receive())
		Expect(p.Sync(ctx, snapshot(false, time.Minute, "hello-1-a"))).To(Succeed())
		var r reply
		Eventually(ch).WithContext(ctx).WithTimeout(10 * time.Second).Should(Receive(&r))
		Expect(r.code).To(Equal(http.StatusOK))
		// With a ready pod and Serve mode it goes straight to the pod.
		code, _, err := get(ctx, p.Addr(), helloHost)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		// A host no Route serves never reaches a revision: not recorded.
		code, _, err = get(ctx, p.Addr(), "nope.default.example.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusNotFound))

		reqs, _ := rec.get()
		Expect(reqs).To(HaveLen(2))
		cold, warm := reqs[0], reqs[1]
		Expect(cold.ColdStart).To(BeTrue())
		Expect(cold.Path).To(Equal(telemetry.PathActivator))
		Expect(cold.Latency()).To(BeNumerically(">=", 100*time.Millisecond), "it waited for the pod")
		Expect(warm.ColdStart).To(BeFalse())
		Expect(warm.Path).To(Equal(telemetry.PathDirect))
		Expect(warm.Latency()).To(BeNumerically(">=", 20*time.Millisecond), "the container's service time")
		for _, q := range reqs {
			Expect(q.Status).To(Equal(http.StatusOK))
			Expect(q.Namespace).To(Equal(helloRev.Namespace))
			Expect(q.Revision).To(Equal(helloRev.Name))
			Expect(q.Service).To(Equal("hello"))
			Expect(q.Host).To(Equal(helloHost))
		}

		// The pod's requests show up in a second's load, with its pod count.
		Eventually(func(g Gomega) {
			_, secs := rec.get()
			rps, ready := 0.0, 0
			for _, s := range secs {
				g.Expect(s.Revision).To(Equal(helloRev))
				g.Expect(s.Service).To(Equal("hello"))
				rps += s.RPS
				ready = max(ready, s.ReadyPods)
			}
			// 2 through the pod's queue-proxy, plus the cold one in the
			// activator if a report fell while the revision was at zero.
			g.Expect(rps).To(BeNumerically(">=", 2))
			g.Expect(rps).To(BeNumerically("<=", 3))
			g.Expect(ready).To(Equal(1))
		}).WithContext(ctx).WithTimeout(10 * time.Second).Should(Succeed())
	}, SpecTimeout(30*time.Second))
})
