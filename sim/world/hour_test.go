package world_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/cluster/clustertest"
	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/world"
)

// hourCluster has two pools so that the two Deployments of the hour never
// compete for a node: the order in which envtest's informers deliver two
// Deployments' events at one instant is not fixed, and the scheduler's
// choices would depend on it. Within one Deployment everything is ordered.
func hourCluster(tl *timeline) cluster.Config {
	return cluster.Config{
		Seed: 42,
		NodePools: []cluster.NodePool{
			{Name: "web", Count: 4, CPU: resource.MustParse("2"), Memory: resource.MustParse("8Gi"), Labels: map[string]string{"tier": "web"}},
			{Name: "batch", Count: 2, CPU: resource.MustParse("4"), Memory: resource.MustParse("8Gi"), Labels: map[string]string{"tier": "batch"}},
		},
		ImagePull:       distribution.LogNormalDuration(0.5, 0.4),
		CachedImagePull: distribution.UniformDuration(10*time.Millisecond, 100*time.Millisecond),
		ContainerStart:  distribution.NormalDuration(800*time.Millisecond, 200*time.Millisecond),
		Readiness:       distribution.ExponentialDuration(1500 * time.Millisecond),
		OnPodEvent:      tl.record,
	}
}

// hourStats counts what one run did.
type hourStats struct {
	wall, startup time.Duration
	events        int
	engineEvents  uint64
	writes        uint64
}

// runHour runs an hour of cluster activity on envtest in virtual time: every
// 3 minutes the web Deployment is scaled along a fixed sequence (above the
// web pool's capacity at times, so pods wait Unschedulable), the batch
// Deployment flips between 1 and 5 replicas, every third step the oldest web
// pod is deleted (gracefully, as kubectl delete does), and a web node is
// killed at 26 min and restored at 41 min.
func runHour(seed uint64) (*timeline, hourStats) {
	ctx := context.Background()
	tl := &timeline{}
	eng, err := engine.New(engine.Config{Seed: seed})
	Expect(err).NotTo(HaveOccurred())
	startWall := time.Now()
	cfg := hourCluster(tl)
	cfg.Seed = seed
	w, err := world.Start(ctx, world.Config{Engine: eng, Cluster: cfg})
	Expect(err).NotTo(HaveOccurred())
	defer func() { Expect(w.Stop()).To(Succeed()) }()
	stats := hourStats{startup: time.Since(startWall)}

	t0 := eng.Now()
	tl.start = t0
	wall := time.Now()
	fired := eng.Fired()
	web := clustertest.Deployment("web", 2, "500m", "256Mi")
	web.Spec.Template.Spec.NodeSelector = map[string]string{"tier": "web"}
	batch := clustertest.Deployment("batch", 1, "500m", "256Mi")
	batch.Spec.Template.Spec.NodeSelector = map[string]string{"tier": "batch"}
	batch.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("700m")
	Expect(w.Client.Create(ctx, web)).To(Succeed())
	Expect(w.Client.Create(ctx, batch)).To(Succeed())

	webReplicas := []int32{6, 12, 18, 4, 9, 16, 3, 14, 20, 8}
	const step = 3 * time.Minute
	for k := 0; k < 20; k++ {
		at := t0.Add(time.Duration(k)*step + step/2)
		Expect(w.RunUntil(ctx, at)).To(Succeed())
		Expect(clustertest.SetReplicas(ctx, w.Client, "web", webReplicas[k%len(webReplicas)])).To(Succeed())
		Expect(clustertest.SetReplicas(ctx, w.Client, "batch", []int32{5, 1}[k%2])).To(Succeed())
		if k%3 == 2 {
			Expect(w.RunFor(ctx, 20*time.Second)).To(Succeed())
			deleteOldestPod(ctx, w.Client, "web")
		}
		switch k {
		case 8: // 25.5 min
			Expect(w.RunFor(ctx, 30*time.Second)).To(Succeed())
			Expect(w.Cluster.KillNode(ctx, "web-2")).To(Succeed())
		case 13: // 40.5 min
			Expect(w.RunFor(ctx, 30*time.Second)).To(Succeed())
			Expect(w.Cluster.RestoreNode(ctx, "web-2")).To(Succeed())
		}
	}
	Expect(w.RunUntil(ctx, t0.Add(time.Hour))).To(Succeed())
	stats.wall = time.Since(wall)

	stats.engineEvents = eng.Fired() - fired
	stats.writes = w.Writes()
	stats.events = len(tl.sorted())
	return tl, stats
}

// deleteOldestPod deletes the app's running pod with the lowest ordinal.
func deleteOldestPod(ctx context.Context, c client.Client, app string) {
	deleteOldest(ctx, c, client.MatchingLabels{"app": app})
}

// deleteOldest deletes the Ready pod with the lowest ordinal among those
// selected, gracefully, as kubectl delete pod does.
func deleteOldest(ctx context.Context, c client.Client, selector client.MatchingLabels) {
	var pods corev1.PodList
	Expect(c.List(ctx, &pods, client.InNamespace("default"), selector)).To(Succeed())
	items := slices.DeleteFunc(pods.Items, func(p corev1.Pod) bool {
		return p.DeletionTimestamp != nil || p.Annotations[cluster.TerminatingAtAnnotation] != "" || !cluster.IsReady(&p)
	})
	Expect(items).NotTo(BeEmpty())
	slices.SortFunc(items, func(a, b corev1.Pod) int {
		return ordinalOf(a) - ordinalOf(b)
	})
	Expect(c.Delete(ctx, &items[0])).To(Succeed())
}

func ordinalOf(p corev1.Pod) int {
	var n int
	fmt.Sscan(p.Annotations[cluster.OrdinalAnnotation], &n)
	return n
}

var _ = Describe("an hour of cluster activity on envtest", func() {
	It("finishes in seconds of wall time with identical timelines across two runs", func(ctx SpecContext) {
		first, s1 := runHour(42)
		second, s2 := runHour(42)
		for i, s := range []hourStats{s1, s2} {
			AddReportEntry(fmt.Sprintf("run %d: wall time for 1 virtual hour", i+1), s.wall.Round(time.Millisecond).String())
			GinkgoWriter.Printf("run %d: 1 virtual hour in %s of wall time (+%s start-up), %d pod events, %d engine events, %d writes\n",
				i+1, s.wall.Round(time.Millisecond), s.startup.Round(time.Millisecond), s.events, s.engineEvents, s.writes)
		}
		AddReportEntry("timeline hash", first.hash())
		a, b := first.sorted(), second.sorted()
		Expect(len(a)).To(BeNumerically(">", 500), "the hour should be busy")
		Expect(cmp.Diff(a, b)).To(BeEmpty(), "first run (-) vs second run (+)")
		Expect(first.hash()).To(Equal(second.hash()))

		stages := map[cluster.Stage]int{}
		reasons := map[string]int{}
		for _, e := range a {
			stages[e.Stage]++
			if e.Stage == cluster.StageDeleted {
				reasons[e.Reason]++
			}
		}
		GinkgoWriter.Printf("stages: %v, deletions: %v\n", stages, reasons)
		Expect(stages[cluster.StageUnschedulable]).To(BeNumerically(">", 0), "web outgrows its pool at times")
		Expect(reasons[cluster.DeletedNodeLost]).To(BeNumerically(">", 0), "the killed node's pods are replaced")
		Expect(reasons[cluster.DeletedDrained]).To(BeNumerically(">", 0))
	}, NodeTimeout(5*time.Minute))
})
