package world_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/rakyll/hey/requester"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/world"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/shell/servingshell"
)

var _ = Describe("Shell on a running world (wall clock, envtest)", Ordered, func() {
	var (
		w *world.World
		p *servingshell.Shell
	)

	BeforeAll(func(ctx SpecContext) {
		var err error
		w, err = world.Start(context.Background(), world.Config{
			Cluster: cluster.Config{Nodes: 3, PodStartup: 200 * time.Millisecond},
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Stop)
		p, err = servingshell.New(servingshell.Config{
			Client: w.Client, Metrics: w.Autoscaler, Seed: 1,
			OnError: func(err error) { GinkgoWriter.Println("servingshell sync:", err) },
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Start(context.Background())).To(Succeed())
		DeferCleanup(p.Close)
	}, NodeTimeout(3*time.Minute))

	apply := func(ctx context.Context, file string) {
		objs, err := manifest.DecodeFile(filepath.Join("testdata", file))
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Apply(ctx, "default", objs...)).To(Succeed())
	}
	readyService := func(ctx context.Context, name string) {
		Eventually(func(g Gomega) {
			svc := &servingv1.Service{}
			g.Expect(w.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, svc)).To(Succeed())
			g.Expect(svc.Status.ObservedGeneration).To(Equal(svc.Generation))
			g.Expect(svc.Status.IsReady()).To(BeTrue(), "conditions: %+v", svc.Status.Conditions)
		}).WithContext(ctx).WithTimeout(60 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
	}
	replicas := func(ctx context.Context, service string) func(Gomega) int32 {
		return func(g Gomega) int32 {
			var deps appsv1.DeploymentList
			g.Expect(w.Client.List(ctx, &deps, client.InNamespace("default"),
				client.MatchingLabels{servingv1.ServiceLabelKey: service})).To(Succeed())
			g.Expect(deps.Items).To(HaveLen(1))
			return ptr.Deref(deps.Items[0].Spec.Replicas, 1)
		}
	}

	It("serves helloworld-go through the gateway once it is Ready", func(ctx SpecContext) {
		apply(ctx, "helloworld-go.yaml")
		readyService(ctx, "helloworld-go")
		// At once, as after kubectl wait: the gateway reads the control
		// plane for a host it does not know yet rather than answer 404
		// until its next periodic sync.
		code, body, err := get(ctx, p.Addr(), "helloworld-go.default.example.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK))
		Expect(body).To(Equal("Hello Go Sample v1!\n"))
	}, SpecTimeout(2*time.Minute))

	It("answers 404 for a host no Route serves", func(ctx SpecContext) {
		code, _, err := get(ctx, p.Addr(), "nope.default.example.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusNotFound))
	}, SpecTimeout(30*time.Second))

	It("scales a revision up through the KPA under hey -c 50", func(ctx SpecContext) {
		apply(ctx, "autoscale-go.yaml")
		readyService(ctx, "autoscale-go")
		Expect(replicas(ctx, "autoscale-go")(Default)).To(BeNumerically("==", 1))
		host := "autoscale-go.default.example.com"
		Eventually(func() (int, error) { code, _, err := get(ctx, p.Addr(), host); return code, err }).
			WithContext(ctx).WithTimeout(10 * time.Second).Should(Equal(http.StatusOK))

		req, err := http.NewRequest(http.MethodGet, "http://"+p.Addr()+"/", nil)
		Expect(err).NotTo(HaveOccurred())
		req.Host = host
		work := &requester.Work{Request: req, N: 50 * 2000, C: 50, Timeout: 20, Writer: GinkgoWriter}
		work.Init()
		done := make(chan struct{})
		go func() {
			defer close(done)
			work.Run()
		}()
		DeferCleanup(func() {
			work.Stop()
			<-done
		})
		Eventually(replicas(ctx, "autoscale-go")).WithContext(ctx).WithTimeout(60 * time.Second).
			WithPolling(200 * time.Millisecond).Should(BeNumerically(">", 1))
	}, SpecTimeout(3*time.Minute))

	It("serves a revision from zero: the activator holds the request and pokes the KPA", func(ctx SpecContext) {
		apply(ctx, "zero-go.yaml")
		readyService(ctx, "zero-go")
		Expect(replicas(ctx, "zero-go")(Default)).To(BeZero())
		// 404 until the shell's next sync has the Route; the first routed
		// request is the cold one.
		var body string
		Eventually(func() (int, error) {
			code, b, err := get(ctx, p.Addr(), "zero-go.default.example.com")
			body = b
			return code, err
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Equal(http.StatusOK))
		Expect(body).To(Equal("Hello from zero!\n"))
		Expect(replicas(ctx, "zero-go")(Default)).To(BeNumerically(">=", 1))
	}, SpecTimeout(2*time.Minute))
})

// get sends GET / with the Host header to the Serving shell's gateway.
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
