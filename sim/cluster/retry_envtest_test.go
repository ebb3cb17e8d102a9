package cluster_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/cluster/clustertest"
)

// clearDeployments deletes every Deployment and waits for their pods to go.
func clearDeployments(ctx context.Context) {
	Expect(c.DeleteAllOf(ctx, &appsv1.Deployment{}, client.InNamespace("default"))).To(Succeed())
	Eventually(func(g Gomega) {
		var pods corev1.PodList
		g.Expect(c.List(ctx, &pods, client.InNamespace("default"))).To(Succeed())
		g.Expect(pods.Items).To(BeEmpty())
	}).WithContext(ctx).Should(Succeed())
}

var _ = Describe("pods waiting for capacity", func() {
	BeforeEach(clearDeployments)
	AfterEach(clearDeployments)

	// z-wait's own reconcile frees the capacity (its draining pod is
	// deleted) while its new pod waits; a Deployment retrying its own pods
	// would take it before a-wait's reconcile ever runs.
	It("get freed capacity in Deployment name order, whichever Deployment's reconcile frees it", func(ctx SpecContext) {
		Expect(c.Create(ctx, clustertest.Deployment("z-wait", 2, "600m", ""))).To(Succeed())
		var zs []corev1.Pod
		Eventually(func(g Gomega) {
			zs = podsOf(ctx, g, "z-wait")
			g.Expect(zs).To(HaveLen(2))
			g.Expect(zs[0].Spec.NodeName).NotTo(BeEmpty())
			g.Expect(zs[1].Spec.NodeName).NotTo(BeEmpty())
		}).WithContext(ctx).Should(Succeed())
		Expect(c.Create(ctx, clustertest.Deployment("a-wait", 1, "600m", ""))).To(Succeed())
		unscheduled := And(HaveLen(1), HaveEach(HaveField("Spec.NodeName", BeEmpty())))
		Eventually(func(g Gomega) []corev1.Pod { return podsOf(ctx, g, "a-wait") }).WithContext(ctx).Should(unscheduled)

		// The newest z-wait pod drains, holding its capacity, while a
		// replacement waits for it.
		scale(ctx, "z-wait", 1)
		Eventually(func(g Gomega) {
			g.Expect(podsOf(ctx, g, "z-wait")[1].Annotations).To(HaveKey(cluster.TerminatingAtAnnotation))
		}).WithContext(ctx).Should(Succeed())
		scale(ctx, "z-wait", 2)
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "z-wait")
			g.Expect(pods).To(HaveLen(3))
			g.Expect(pods[2].Spec.NodeName).To(BeEmpty())
		}).WithContext(ctx).Should(Succeed())

		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "a-wait")
			g.Expect(pods).To(HaveLen(1))
			g.Expect(pods[0].Spec.NodeName).To(Equal(zs[1].Spec.NodeName), "a-wait comes first by name")
			g.Expect(cluster.IsReady(&pods[0])).To(BeTrue())
		}).WithContext(ctx).Should(Succeed())
		Consistently(func(g Gomega) {
			pods := podsOf(ctx, g, "z-wait")
			g.Expect(pods).To(HaveLen(2))
			g.Expect(pods[1].Spec.NodeName).To(BeEmpty(), "no room left for z-wait's new pod")
		}).WithContext(ctx).WithTimeout(drain).Should(Succeed())
	})
})
