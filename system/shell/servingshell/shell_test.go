package servingshell_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/shell/servingshell"
	"github.com/knsim/knsim/system/topology"
)

const helloHost = "hello.default.example.com"

var helloRev = types.NamespacedName{Namespace: "default", Name: "hello-1"}

// fakeMetrics records what the shell reports.
type fakeMetrics struct {
	mu      sync.Mutex
	pokes   int
	pods    queue.Stat // sums over every report
	act     queue.Stat
	reports int
}

func (f *fakeMetrics) Report(_ time.Time, _ types.NamespacedName, pods []queue.Stat, act queue.Stat) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reports++
	for _, s := range pods {
		f.pods.RequestCount += s.RequestCount
		f.pods.ProxiedRequestCount += s.ProxiedRequestCount
	}
	f.act.RequestCount += act.RequestCount
}

func (f *fakeMetrics) Poke(time.Time, types.NamespacedName) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pokes++
}

func (f *fakeMetrics) get() (pods, act queue.Stat, pokes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pods, f.act, f.pokes
}

// snapshot is hello-1 behind helloHost with the given ready pods.
func snapshot(proxy bool, timeout time.Duration, pods ...string) *topology.Serving {
	rt := &servingv1.Route{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello", ResourceVersion: "1"},
		Status: servingv1.RouteStatus{RouteStatusFields: servingv1.RouteStatusFields{
			URL:     "http://" + helloHost,
			Traffic: []servingv1.TrafficTarget{{RevisionName: helloRev.Name, Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
		}},
	}
	return &topology.Serving{
		Routes: []*servingv1.Route{rt},
		Revisions: map[types.NamespacedName]topology.RevisionInfo{
			helloRev: {Service: "hello", Timeout: timeout, Proxy: proxy, ReadyPods: pods},
		},
	}
}

// get sends GET / with the Host header to the gateway.
func get(ctx context.Context, addr, host string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
	if err != nil {
		return 0, "", err
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

type reply struct {
	code int
	body string
	err  error
}

// getAsync sends get in the background.
func getAsync(ctx context.Context, addr, host string) <-chan reply {
	ch := make(chan reply, 1)
	go func() {
		code, body, err := get(ctx, addr, host)
		ch <- reply{code, body, err}
	}()
	return ch
}

func constant(d time.Duration) container.Sampler { return func(*rand.Rand) time.Duration { return d } }

var _ = Describe("Shell fed by Sync", func() {
	var (
		p *servingshell.Shell
		m *fakeMetrics
	)
	start := func(ctx context.Context, w container.Workload) {
		m = &fakeMetrics{}
		var err error
		p, err = servingshell.New(servingshell.Config{Metrics: m, DefaultWorkload: w, Seed: 1})
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Start(ctx)).To(Succeed())
		DeferCleanup(p.Close)
	}

	It("serves a routed request from a ready pod and reports its stats", func(ctx SpecContext) {
		start(ctx, container.Workload{})
		Expect(p.Sync(ctx, snapshot(false, time.Minute, "hello-1-a"))).To(Succeed())
		code, body, err := get(ctx, p.Addr(), helloHost+":80")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		Expect(body).To(Equal("Hello World!\n"))
		Eventually(func() float64 { pods, _, _ := m.get(); return pods.RequestCount }).
			WithContext(ctx).WithTimeout(10 * time.Second).Should(BeNumerically("==", 1))
		_, act, pokes := m.get()
		Expect(act.RequestCount).To(BeZero())
		Expect(pokes).To(BeZero())
	}, SpecTimeout(30*time.Second))

	It("answers 404 for an unknown host", func(ctx SpecContext) {
		start(ctx, container.Workload{})
		Expect(p.Sync(ctx, snapshot(false, time.Minute, "hello-1-a"))).To(Succeed())
		code, _, err := get(ctx, p.Addr(), "nope.default.example.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusNotFound))
	}, SpecTimeout(30*time.Second))

	It("goes through the activator in Proxy mode", func(ctx SpecContext) {
		start(ctx, container.Workload{})
		Expect(p.Sync(ctx, snapshot(true, time.Minute, "hello-1-a"))).To(Succeed())
		code, _, err := get(ctx, p.Addr(), helloHost)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		Eventually(func(g Gomega) {
			pods, act, _ := m.get()
			g.Expect(act.RequestCount).To(BeNumerically("==", 1))
			g.Expect(pods.ProxiedRequestCount).To(BeNumerically("==", 1))
		}).WithContext(ctx).WithTimeout(10 * time.Second).Should(Succeed())
	}, SpecTimeout(30*time.Second))

	It("holds a request at zero, pokes the autoscaler and serves it once a pod is ready", func(ctx SpecContext) {
		start(ctx, container.Workload{})
		Expect(p.Sync(ctx, snapshot(true, time.Minute))).To(Succeed())
		ch := getAsync(ctx, p.Addr(), helloHost)
		Eventually(func() int { _, _, pokes := m.get(); return pokes }).WithContext(ctx).Should(Equal(1))
		Consistently(ch).WithTimeout(100 * time.Millisecond).ShouldNot(Receive())
		Expect(p.Sync(ctx, snapshot(true, time.Minute, "hello-1-a"))).To(Succeed())
		var r reply
		Eventually(ch).WithContext(ctx).WithTimeout(10 * time.Second).Should(Receive(&r))
		Expect(r.err).NotTo(HaveOccurred())
		Expect(r.code).To(Equal(http.StatusOK))
	}, SpecTimeout(30*time.Second))

	It("lets a pod that left the endpoints finish its requests", func(ctx SpecContext) {
		entered := make(chan struct{}, 2)
		start(ctx, container.Workload{ServiceTime: func(*rand.Rand) time.Duration {
			entered <- struct{}{}
			return 300 * time.Millisecond
		}})
		Expect(p.Sync(ctx, snapshot(false, time.Minute, "hello-1-b"))).To(Succeed())
		ch := getAsync(ctx, p.Addr(), helloHost)
		Eventually(entered).WithContext(ctx).Should(Receive())
		Expect(p.Sync(ctx, snapshot(false, time.Minute, "hello-1-a"))).To(Succeed())
		code, _, err := get(ctx, p.Addr(), helloHost)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		var r reply
		Eventually(ch).WithContext(ctx).WithTimeout(10 * time.Second).Should(Receive(&r))
		Expect(r.err).NotTo(HaveOccurred())
		Expect(r.code).To(Equal(http.StatusOK))
	}, SpecTimeout(30*time.Second))

	It("answers 504 when the container outlives the revision timeout", func(ctx SpecContext) {
		start(ctx, container.Workload{ServiceTime: constant(time.Minute)})
		Expect(p.Sync(ctx, snapshot(false, 50*time.Millisecond, "hello-1-a"))).To(Succeed())
		code, _, err := get(ctx, p.Addr(), helloHost)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusGatewayTimeout))
	}, SpecTimeout(30*time.Second))
})
