package world_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/cluster/clustertest"
	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/manifest"
	"github.com/knsim/knsim/sim/memory"
	"github.com/knsim/knsim/sim/world"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/queue"
)

// virtualPlane is what the scenario needs of either backend.
type virtualPlane interface {
	Apply(ctx context.Context, defaultNamespace string, objs ...*unstructured.Unstructured) error
	RunUntil(ctx context.Context, t time.Time) error
}

// parityPlane is one control plane running a parity scenario: what the
// scenario drives on it, and the virtual instant the scenario starts.
type parityPlane struct {
	virtualPlane
	client     client.Client
	cluster    *cluster.Cluster
	autoscaler *multiscaler.Multiscaler
	engine     *engine.Engine
	t0         time.Time
}

// until runs the plane to d after the scenario's start.
func (p parityPlane) until(ctx context.Context, d time.Duration) {
	Expect(p.RunUntil(ctx, p.t0.Add(d))).To(Succeed())
}

// helloworld is the Knative revision every parity scenario runs.
var helloworld = types.NamespacedName{Namespace: "default", Name: "helloworld-go-1"}

// Deployment names in the timelines.
const (
	helloworldDeployment = "helloworld-go-1-deployment"
	webDeployment        = "parity-web"
)

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

// onBothPlanes runs scenario on envtest, then on the memory plane, each
// with parityCluster and seed 7, and returns the two pod timelines.
func onBothPlanes(ctx context.Context, scenario func(context.Context, parityPlane)) (envtest, mem []timelineEntry) {
	return onBothPlanesWith(ctx, parityCluster, scenario)
}

// onBothPlanesWith is onBothPlanes with the cluster config config makes.
func onBothPlanesWith(ctx context.Context, config func(*timeline) cluster.Config, scenario func(context.Context, parityPlane)) (envtest, mem []timelineEntry) {
	var envtestTL, memoryTL timeline

	eng, err := engine.New(engine.Config{Seed: 7})
	Expect(err).NotTo(HaveOccurred())
	w, err := world.Start(context.Background(), world.Config{Engine: eng, Cluster: config(&envtestTL)})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.Stop)
	envtestTL.start = eng.Now()
	scenario(ctx, parityPlane{virtualPlane: w, client: w.Client, cluster: w.Cluster, autoscaler: w.Autoscaler, engine: eng, t0: eng.Now()})

	meng, err := engine.New(engine.Config{Seed: 7})
	Expect(err).NotTo(HaveOccurred())
	p, err := memory.Start(ctx, memory.Config{Engine: meng, Cluster: config(&memoryTL)})
	Expect(err).NotTo(HaveOccurred())
	memoryTL.start = meng.Now()
	scenario(ctx, parityPlane{virtualPlane: p, client: p.Client, cluster: p.Cluster, autoscaler: p.Autoscaler, engine: meng, t0: meng.Now()})

	return envtestTL.sorted(), memoryTL.sorted()
}

// expectSameTimelines prints both timelines and requires them identical.
func expectSameTimelines(want, got []timelineEntry) {
	for _, e := range want {
		GinkgoWriter.Println("envtest", e)
	}
	for _, e := range got {
		GinkgoWriter.Println("memory ", e)
	}
	Expect(want).NotTo(BeEmpty())
	Expect(cmp.Diff(want, got)).To(BeEmpty(), "envtest (-) vs memory (+)")
}

// stages lists a Deployment's pod transitions as "Stage Reason", in order,
// so a spec can check that its timeline holds what it means to compare.
func stages(entries []timelineEntry, deployment string) []string {
	var out []string
	for _, e := range entries {
		if e.Deployment == deployment {
			out = append(out, fmt.Sprintf("%s %s", e.Stage, e.Reason))
		}
	}
	return out
}

// startParity applies helloworld-go at 0 s and starts the idle reports.
func startParity(ctx context.Context, p parityPlane, end time.Duration) {
	objs, err := manifest.DecodeFile("testdata/helloworld-go.yaml")
	Expect(err).NotTo(HaveOccurred())
	Expect(p.Apply(ctx, "default", objs...)).To(Succeed())
	reportIdle(p, helloworld, end)
}

// reportIdle gives the autoscaler what the data plane reports of a
// revision that gets no requests, every second (at half seconds, away from
// the autoscaler's ticks) until end: one pod's empty queue-proxy stats and
// nothing from the activator. Without stats the KPA has no data and keeps
// the revision's scale; with them it scales the idle revision to zero.
func reportIdle(p parityPlane, rev types.NamespacedName, end time.Duration) {
	var report func(now time.Time)
	report = func(now time.Time) {
		p.autoscaler.Report(now, rev, []queue.Stat{{}}, queue.Stat{})
		if next := now.Add(time.Second); next.Sub(p.t0) <= end {
			p.engine.Schedule(next, report)
		}
	}
	p.engine.Schedule(p.t0.Add(1500*time.Millisecond), report)
}

// createWeb creates the plain Deployment parity-web with replicas pods.
func createWeb(ctx context.Context, p parityPlane, replicas int32) {
	u, err := toUnstructured(clustertest.Deployment(webDeployment, replicas, "500m", "256Mi"))
	Expect(err).NotTo(HaveOccurred())
	Expect(p.Apply(ctx, "default", u)).To(Succeed())
}

// runParity runs the scenario on p from t0: helloworld-go at 0 s, a plain
// Deployment of one pod at 5 s, scaled to 4 at 10 s and to 2 at 20 s, until
// 150 s, by which the idle revision has scaled to zero (at 92 s).
func runParity(ctx context.Context, p parityPlane) {
	startParity(ctx, p, 150*time.Second)
	p.until(ctx, 5*time.Second)
	createWeb(ctx, p, 1)
	p.until(ctx, 10*time.Second)
	Expect(clustertest.SetReplicas(ctx, p.client, webDeployment, 4)).To(Succeed())
	p.until(ctx, 20*time.Second)
	Expect(clustertest.SetReplicas(ctx, p.client, webDeployment, 2)).To(Succeed())
	p.until(ctx, 150*time.Second)
}

// runPodDeletion deletes pods as a user does (kubectl delete pod, the
// deletePod action: a graceful deletion): the oldest parity-web pod at
// 20 s and helloworld-go's pod at 30 s. Each turns NotReady, drains and
// goes; its Deployment replaces it at once.
func runPodDeletion(ctx context.Context, p parityPlane) {
	startParity(ctx, p, 150*time.Second)
	p.until(ctx, 5*time.Second)
	createWeb(ctx, p, 3)
	p.until(ctx, 20*time.Second)
	deleteOldest(ctx, p.client, client.MatchingLabels{"app": webDeployment})
	p.until(ctx, 30*time.Second)
	deleteOldest(ctx, p.client, client.MatchingLabels{servingv1.RevisionLabelKey: helloworld.Name})
	p.until(ctx, 150*time.Second)
}

// runNodeKill kills the node running helloworld-go's pod and one of
// parity-web's at 20 s: both are lost and both Deployments replace them on
// the other nodes at that instant (envtest's scheduling rounds and the
// memory plane's sorted settle must place them alike). The node comes back
// at 40 s, empty and with no images, and parity-web's scale-up to 6 at
// 50 s puts pods on it again.
func runNodeKill(ctx context.Context, p parityPlane) {
	startParity(ctx, p, 150*time.Second)
	p.until(ctx, 5*time.Second)
	createWeb(ctx, p, 3)
	p.until(ctx, 20*time.Second)
	Expect(p.cluster.KillNode(ctx, "knsim-worker-1")).To(Succeed())
	p.until(ctx, 40*time.Second)
	Expect(p.cluster.RestoreNode(ctx, "knsim-worker-1")).To(Succeed())
	p.until(ctx, 50*time.Second)
	Expect(clustertest.SetReplicas(ctx, p.client, webDeployment, 6)).To(Succeed())
	p.until(ctx, 150*time.Second)
}

// parityPending is the Pending bound of the huge scale-up's cluster.
const parityPending = 10

// runHugeScaleUp creates parity-web with 100000 replicas at 5 s (as
// initial-scale 100000 would): the 3 nodes take 12 of its pods (4 x 500m
// each) and parityPending more stay Pending. At 20 s a pod is deleted: its
// place is taken by a Pending pod and a new Pending pod is made.
func runHugeScaleUp(ctx context.Context, p parityPlane) {
	p.until(ctx, 5*time.Second)
	createWeb(ctx, p, 100000)
	p.until(ctx, 20*time.Second)
	Expect(webPods(ctx, p.client)).To(HaveLen(12+parityPending), "12 bound and %d Pending", parityPending)
	deleteOldest(ctx, p.client, client.MatchingLabels{"app": webDeployment})
	p.until(ctx, 30*time.Second)
	Expect(webPods(ctx, p.client)).To(HaveLen(12 + parityPending))
}

// deleteWeb deletes parity-web, as kubectl delete deployment does.
func deleteWeb(ctx context.Context, p parityPlane) {
	d := &appsv1.Deployment{}
	Expect(p.client.Get(ctx, client.ObjectKey{Namespace: "default", Name: webDeployment}, d)).To(Succeed())
	Expect(p.client.Delete(ctx, d)).To(Succeed())
}

// webPods lists parity-web's pods.
func webPods(ctx context.Context, c client.Client) []corev1.Pod {
	var list corev1.PodList
	Expect(c.List(ctx, &list, client.InNamespace("default"), client.MatchingLabels{"app": webDeployment})).To(Succeed())
	return list.Items
}

var _ = Describe("memory and envtest control planes", func() {
	It("agree on a huge scale-up bounded by capacity and MaxPendingPods", func(ctx SpecContext) {
		config := func(tl *timeline) cluster.Config {
			cfg := parityCluster(tl)
			cfg.MaxPendingPods = parityPending
			return cfg
		}
		want, got := onBothPlanesWith(ctx, config, runHugeScaleUp)
		expectSameTimelines(want, got)
		web := stages(want, webDeployment)
		Expect(count(web, "Created ")).To(Equal(12+parityPending+1), "one more once a pod was deleted")
		Expect(count(web, "Ready ")).To(Equal(13), "12, then the Pending pod that took the deleted one's place")
		Expect(web).To(ContainElement("Unschedulable 0/3 nodes are available: 3 Insufficient cpu."))
	}, NodeTimeout(3*time.Minute))

	It("agree on stopping a huge scale-up and deleting its pods when the Deployment is deleted", func(ctx SpecContext) {
		config := func(tl *timeline) cluster.Config {
			cfg := parityCluster(tl)
			cfg.MaxPendingPods = parityPending
			return cfg
		}
		want, got := onBothPlanesWith(ctx, config, func(ctx context.Context, p parityPlane) {
			runHugeScaleUp(ctx, p)
			deleteWeb(ctx, p)
			p.until(ctx, 60*time.Second)
			Expect(webPods(ctx, p.client)).To(BeEmpty())
			Expect(p.cluster.Waiting()).To(BeEmpty())
		})
		expectSameTimelines(want, got)
		web := stages(want, webDeployment)
		Expect(count(web, "Deleted DeploymentDeleted")).To(Equal(12 + parityPending))
		Expect(count(web, "Created ")).To(Equal(12+parityPending+1), "none after the deletion")
	}, NodeTimeout(3*time.Minute))

	It("produce the same pod timeline for the same scenario and seed", func(ctx SpecContext) {
		want, got := onBothPlanes(ctx, runParity)
		expectSameTimelines(want, got)
		// The timeline covers the terminations: the Deployment's scale-down
		// from 4 to 2, and the idle revision's scale-down to zero.
		Expect(stages(want, webDeployment)).To(ContainElements("Terminating ", "Deleted Drained"))
		Expect(stages(want, helloworldDeployment)).To(HaveExactElements(
			"Created ", "Scheduled ", "Pulled ", "Started ", "Ready ", "Terminating ", "Deleted Drained"))
	}, NodeTimeout(3*time.Minute))

	It("agree on a user's graceful pod deletion", func(ctx SpecContext) {
		want, got := onBothPlanes(ctx, runPodDeletion)
		expectSameTimelines(want, got)
		// Each deleted pod drains and goes, and a replacement becomes Ready.
		Expect(stages(want, webDeployment)).To(ContainElements("Terminating ", "Deleted Drained"))
		Expect(stages(want, webDeployment)).To(HaveEach(Not(Equal("Deleted ScaleDown"))))
		Expect(count(stages(want, webDeployment), "Ready ")).To(Equal(4), "three pods and a replacement")
		Expect(count(stages(want, helloworldDeployment), "Ready ")).To(Equal(2), "the revision's pod and its replacement")
		Expect(count(stages(want, helloworldDeployment), "Deleted Drained")).To(Equal(2), "the deleted pod, then the replacement at zero")
	}, NodeTimeout(3*time.Minute))

	It("agree on a node failure and the node's return", func(ctx SpecContext) {
		want, got := onBothPlanes(ctx, runNodeKill)
		expectSameTimelines(want, got)
		Expect(stages(want, webDeployment)).To(ContainElement("Deleted NodeLost"))
		Expect(stages(want, helloworldDeployment)).To(ContainElement("Deleted NodeLost"))
		var onRestored int
		for _, e := range want {
			if e.Deployment == webDeployment && e.Node == "knsim-worker-1" && e.Stage == cluster.StagePulled && e.At > 50*time.Second {
				onRestored++
			}
		}
		Expect(onRestored).To(BeNumerically(">", 0), "parity-web's scale-up places pods on the restored node")
	}, NodeTimeout(3*time.Minute))
})

// count is how many of ss equal s.
func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}
