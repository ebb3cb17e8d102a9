package cluster_test

import (
	"context"
	"slices"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/cluster/clustertest"
)

func podsOf(ctx context.Context, g Gomega, app string) []corev1.Pod {
	var list corev1.PodList
	g.Expect(c.List(ctx, &list, client.InNamespace("default"), client.MatchingLabels{"app": app})).To(Succeed())
	ord := func(p corev1.Pod) int {
		n, _ := strconv.Atoi(p.Annotations[cluster.OrdinalAnnotation])
		return n
	}
	slices.SortFunc(list.Items, func(a, b corev1.Pod) int { return ord(a) - ord(b) })
	return list.Items
}

func scale(ctx context.Context, name string, replicas int32) {
	Eventually(func() error { return clustertest.SetReplicas(ctx, c, name, replicas) }).WithContext(ctx).Should(Succeed())
}

// setNode changes a node's spec (cordon) or its Ready condition, as kubectl
// cordon or a silent kubelet would.
func setNode(ctx context.Context, name string, unschedulable bool, ready corev1.ConditionStatus) {
	Eventually(func() error {
		n := &corev1.Node{}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, n); err != nil {
			return err
		}
		if n.Spec.Unschedulable != unschedulable {
			n.Spec.Unschedulable = unschedulable
			if err := c.Update(ctx, n); err != nil {
				return err
			}
		}
		for i := range n.Status.Conditions {
			if n.Status.Conditions[i].Type == corev1.NodeReady {
				n.Status.Conditions[i].Status = ready
			}
		}
		return c.Status().Update(ctx, n)
	}).WithContext(ctx).Should(Succeed())
}

func stages(evs []cluster.PodEvent) []cluster.Stage {
	out := []cluster.Stage{}
	for _, e := range evs {
		out = append(out, e.Stage)
	}
	return out
}

func nodeNames(ctx context.Context) []string {
	var nodes corev1.NodeList
	Expect(c.List(ctx, &nodes)).To(Succeed())
	var out []string
	for _, n := range nodes.Items {
		out = append(out, n.Name)
	}
	return out
}

var _ = Describe("the emulated cluster", Ordered, func() {
	It("registers its nodes Ready, with capacity, labels and addresses", func(ctx SpecContext) {
		var nodes corev1.NodeList
		Expect(c.List(ctx, &nodes)).To(Succeed())
		Expect(nodes.Items).To(HaveLen(2))
		for _, n := range nodes.Items {
			Expect(n.Name).To(MatchRegexp(`^knsim-worker-[12]$`))
			Expect(n.Labels).To(HaveKeyWithValue("zone", "a"))
			Expect(n.Labels).To(HaveKeyWithValue(cluster.PoolLabel, "knsim-worker"))
			Expect(n.Status.Allocatable.Cpu().String()).To(Equal("1"))
			Expect(n.Status.Addresses).NotTo(BeEmpty())
			Expect(n.Status.Conditions).To(ContainElement(And(
				HaveField("Type", corev1.NodeReady), HaveField("Status", corev1.ConditionTrue))))
		}
	})

	It("runs a Deployment scaled to 3 as 3 Ready pods on the nodes", func(ctx SpecContext) {
		Expect(c.Create(ctx, clustertest.Deployment("web", 3, "100m", ""))).To(Succeed())
		nodes := nodeNames(ctx)
		var pods []corev1.Pod
		Eventually(func(g Gomega) {
			pods = podsOf(ctx, g, "web")
			g.Expect(pods).To(HaveLen(3))
			for _, p := range pods {
				g.Expect(nodes).To(ContainElement(p.Spec.NodeName), "pod %s: %+v", p.Name, p.Status.Conditions)
				g.Expect(p.Status.Phase).To(Equal(corev1.PodRunning))
				g.Expect(cluster.IsReady(&p)).To(BeTrue())
			}
		}).WithContext(ctx).Should(Succeed())
		Expect(pods[0].Spec.NodeName).NotTo(Equal(pods[1].Spec.NodeName), "Spread uses both nodes")
		for _, p := range pods {
			Expect(p.Annotations).To(HaveKey(cluster.ScheduledAtAnnotation))
			Expect(p.Annotations).To(HaveKey(cluster.ReadyAtAnnotation))
			Expect(p.Status.PodIP).NotTo(BeEmpty())
			// A stage's event follows its write, so it may trail the poll.
			Eventually(func() []cluster.Stage { return stages(events.of(p.Name)) }).WithContext(ctx).Should(Equal([]cluster.Stage{
				cluster.StageCreated, cluster.StageScheduled, cluster.StagePulled, cluster.StageStarted, cluster.StageReady}))
		}
		Eventually(func(g Gomega) {
			d := &appsv1.Deployment{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "web"}, d)).To(Succeed())
			g.Expect(d.Status.ReadyReplicas).To(Equal(int32(3)))
			g.Expect(d.Status.AvailableReplicas).To(Equal(int32(3)))
			g.Expect(d.Status.Conditions).To(ContainElement(And(
				HaveField("Type", appsv1.DeploymentProgressing), HaveField("Reason", "NewReplicaSetAvailable"))))
		}).WithContext(ctx).Should(Succeed())
	})

	It("drains, then deletes the newest pods when scaled down to 1", func(ctx SpecContext) {
		before := podsOf(ctx, Default, "web")
		scale(ctx, "web", 1)
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "web")
			g.Expect(pods).To(HaveLen(3))
			g.Expect(pods[0].Annotations).NotTo(HaveKey(cluster.TerminatingAtAnnotation))
			for _, p := range pods[1:] {
				g.Expect(p.Annotations).To(HaveKey(cluster.TerminatingAtAnnotation))
				g.Expect(cluster.IsReady(&p)).To(BeFalse())
				g.Expect(p.Status.Reason).To(Equal("Terminating"))
			}
		}).WithContext(ctx).Should(Succeed())
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "web")
			g.Expect(pods).To(HaveLen(1))
			g.Expect(pods[0].Name).To(Equal(before[0].Name))
		}).WithContext(ctx).Should(Succeed())
		for _, p := range before[1:] {
			Eventually(func() cluster.Stage { evs := events.of(p.Name); return evs[len(evs)-1].Stage }).WithContext(ctx).Should(Equal(cluster.StageDeleted))
			evs := events.of(p.Name)
			Expect(stages(evs[len(evs)-2:])).To(Equal([]cluster.Stage{cluster.StageTerminating, cluster.StageDeleted}))
			Expect(evs[len(evs)-1].Reason).To(Equal(cluster.DeletedDrained))
			Expect(evs[len(evs)-1].Time.Sub(evs[len(evs)-2].Time)).To(BeNumerically(">=", drain))
		}
	})

	It("keeps a pod that fits nowhere Pending, and schedules it once capacity frees", func(ctx SpecContext) {
		Expect(c.Create(ctx, clustertest.Deployment("blocker", 2, "600m", ""))).To(Succeed())
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "blocker")
			g.Expect(pods).To(HaveLen(2))
			g.Expect(cluster.IsReady(&pods[0]) && cluster.IsReady(&pods[1])).To(BeTrue())
		}).WithContext(ctx).Should(Succeed())

		Expect(c.Create(ctx, clustertest.Deployment("big", 1, "600m", ""))).To(Succeed())
		var big corev1.Pod
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "big")
			g.Expect(pods).To(HaveLen(1))
			big = pods[0]
			g.Expect(big.Spec.NodeName).To(BeEmpty())
			g.Expect(big.Status.Phase).To(Equal(corev1.PodPending))
			g.Expect(big.Status.Conditions).To(ContainElement(And(
				HaveField("Type", corev1.PodScheduled), HaveField("Status", corev1.ConditionFalse),
				HaveField("Reason", "Unschedulable"), HaveField("Message", "0/2 nodes are available: 2 Insufficient cpu."))))
		}).WithContext(ctx).Should(Succeed())

		blockers := podsOf(ctx, Default, "blocker")
		scale(ctx, "blocker", 1)
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "big")
			g.Expect(pods).To(HaveLen(1))
			g.Expect(pods[0].Spec.NodeName).To(Equal(blockers[1].Spec.NodeName), "on the node the newest blocker left")
			g.Expect(cluster.IsReady(&pods[0])).To(BeTrue())
		}).WithContext(ctx).Should(Succeed())
		deleted := events.of(blockers[1].Name)
		// The kubelet reports a stage after writing it, so the event may
		// trail the Ready status the poll above saw.
		var scheduled []cluster.PodEvent
		Eventually(func(g Gomega) {
			scheduled = events.of(big.Name)
			g.Expect(stages(scheduled)).To(HaveExactElements(cluster.StageCreated, cluster.StageUnschedulable,
				cluster.StageScheduled, cluster.StagePulled, cluster.StageStarted, cluster.StageReady))
		}).WithContext(ctx).Should(Succeed())
		Expect(scheduled[2].Time).NotTo(BeTemporally("<", deleted[len(deleted)-1].Time),
			"a draining pod holds its capacity until deleted")
	})

	It("replaces the pods of a node gone NotReady and honours cordons", func(ctx SpecContext) {
		old := podsOf(ctx, Default, "big")[0]
		lost := old.Spec.NodeName
		setNode(ctx, lost, false, corev1.ConditionFalse)
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "big")
			g.Expect(pods).To(HaveLen(1))
			g.Expect(pods[0].Name).NotTo(Equal(old.Name))
			g.Expect(pods[0].Spec.NodeName).To(BeEmpty())
			g.Expect(pods[0].Status.Conditions).To(ContainElement(HaveField("Message", And(
				HavePrefix("0/2 nodes are available: "),
				ContainSubstring("1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }")))))
		}).WithContext(ctx).Should(Succeed())
		evs := events.of(old.Name)
		Expect(evs[len(evs)-1].Stage).To(Equal(cluster.StageDeleted))
		Expect(evs[len(evs)-1].Reason).To(Equal(cluster.DeletedNodeLost))

		setNode(ctx, lost, true, corev1.ConditionTrue)
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "big")
			g.Expect(pods).To(HaveLen(1))
			g.Expect(pods[0].Spec.NodeName).To(BeEmpty())
			g.Expect(pods[0].Status.Conditions).To(ContainElement(
				HaveField("Message", ContainSubstring("1 node(s) were unschedulable"))))
		}).WithContext(ctx).Should(Succeed())

		setNode(ctx, lost, false, corev1.ConditionTrue)
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "big")
			g.Expect(pods).To(HaveLen(1))
			g.Expect(pods[0].Spec.NodeName).To(Equal(lost))
			g.Expect(cluster.IsReady(&pods[0])).To(BeTrue())
		}).WithContext(ctx).Should(Succeed())
	})
})
