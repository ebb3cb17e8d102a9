package world_test

import (
	"context"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/cluster/clustertest"
	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/memory"
	"github.com/knsim/knsim/sim/world"
)

// virtualPlane is what the scenario needs of either backend.
type virtualPlane interface {
	Apply(ctx context.Context, defaultNamespace string, objs ...*unstructured.Unstructured) error
	RunUntil(ctx context.Context, t time.Time) error
}

func parityCluster(tl *timeline) cluster.Config {
	return cluster.Config{
		Seed:            7,
		NodePools:       []cluster.NodePool{{Count: 3, CPU: resource.MustParse("2"), Memory: resource.MustParse("8Gi")}},
		ImagePull:       distribution.UniformDuration(500*time.Millisecond, 2*time.Second),
		CachedImagePull: distribution.ConstantDuration(50 * time.Millisecond),
		ContainerStart:  distribution.LogNormalDuration(-1, 0.5),
		Readiness:       distribution.UniformDuration(100*time.Millisecond, 900*time.Millisecond),
		OnPodEvent:      tl.record,
	}
}

// runParity runs the scenario on p from t0: helloworld-go at 0 s, a plain
// Deployment of one pod at 5 s, scaled to 4 at 10 s and to 2 at 20 s, until
// 150 s, by which the idle revision has scaled to zero. No two Deployments
// schedule pods at the same instant: which of two Deployments reconciled at
// one instant goes first is up to the envtest informers, and the scheduler's
// choices depend on it.
func runParity(ctx context.Context, p virtualPlane, c client.Client, t0 time.Time) {
	objs, err := manifest.DecodeFile("testdata/helloworld-go.yaml")
	Expect(err).NotTo(HaveOccurred())
	Expect(p.Apply(ctx, "default", objs...)).To(Succeed())
	Expect(p.RunUntil(ctx, t0.Add(5*time.Second))).To(Succeed())
	u, err := toUnstructured(clustertest.Deployment("parity-web", 1, "500m", "256Mi"))
	Expect(err).NotTo(HaveOccurred())
	Expect(p.Apply(ctx, "default", u)).To(Succeed())
	Expect(p.RunUntil(ctx, t0.Add(10*time.Second))).To(Succeed())
	Expect(clustertest.SetReplicas(ctx, c, "parity-web", 4)).To(Succeed())
	Expect(p.RunUntil(ctx, t0.Add(20*time.Second))).To(Succeed())
	Expect(clustertest.SetReplicas(ctx, c, "parity-web", 2)).To(Succeed())
	Expect(p.RunUntil(ctx, t0.Add(150*time.Second))).To(Succeed())
}

var _ = Describe("memory and envtest control planes", func() {
	It("produce the same pod timeline for the same scenario and seed", func(ctx SpecContext) {
		var envtestTL, memoryTL timeline

		eng, err := engine.New(engine.Config{Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		w, err := world.Start(context.Background(), world.Config{Engine: eng, Cluster: parityCluster(&envtestTL)})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Stop)
		envtestTL.start = eng.Now()
		runParity(ctx, w, w.Client, eng.Now())

		meng, err := engine.New(engine.Config{Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		p, err := memory.Start(ctx, memory.Config{Engine: meng, Cluster: parityCluster(&memoryTL)})
		Expect(err).NotTo(HaveOccurred())
		memoryTL.start = meng.Now()
		runParity(ctx, p, p.Client, meng.Now())

		got, want := memoryTL.sorted(), envtestTL.sorted()
		for _, e := range want {
			GinkgoWriter.Println("envtest", e)
		}
		for _, e := range got {
			GinkgoWriter.Println("memory ", e)
		}
		Expect(want).NotTo(BeEmpty())
		Expect(cmp.Diff(want, got)).To(BeEmpty(), "envtest (-) vs memory (+)")
	}, NodeTimeout(3*time.Minute))
})
