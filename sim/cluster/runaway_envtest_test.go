package cluster_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/sim/cluster/clustertest"
)

// A runaway scale-up (initial-scale 100000) on the wall clock, as knsim up
// runs the emulation: bounded, and stopped by deleting the Deployment.
var _ = Describe("a huge scale-up", func() {
	const replicas = 100000
	// quiet is how long the pod count is watched not to move.
	const quiet = 500 * time.Millisecond

	gone := func(name string) func(SpecContext) {
		return func(ctx SpecContext) {
			Eventually(func(g Gomega) { g.Expect(podsOf(ctx, g, name)).To(BeEmpty()) }).WithContext(ctx).Should(Succeed())
			Consistently(func(g Gomega) { g.Expect(podsOf(ctx, g, name)).To(BeEmpty()) }).WithContext(ctx).
				WithTimeout(quiet).Should(Succeed(), "no pod is created after the Deployment went")
		}
	}

	It("keeps at most MaxPendingPods Pending pods when nothing fits, and no pod once deleted", func(ctx SpecContext) {
		d := clustertest.Deployment("flood", replicas, "1m", "")
		d.Spec.Template.Spec.NodeSelector = map[string]string{"zone": "nowhere"}
		Expect(c.Create(ctx, d)).To(Succeed())
		Eventually(func(g Gomega) {
			pods := podsOf(ctx, g, "flood")
			g.Expect(pods).To(HaveLen(maxPending))
			for _, p := range pods {
				g.Expect(p.Spec.NodeName).To(BeEmpty())
				g.Expect(p.Status.Conditions).To(ContainElement(HaveField("Reason", "Unschedulable")))
			}
		}).WithContext(ctx).Should(Succeed())
		Consistently(func(g Gomega) { g.Expect(len(podsOf(ctx, g, "flood"))).To(BeNumerically("<=", maxPending)) }).
			WithContext(ctx).WithTimeout(quiet).Should(Succeed())
		Expect(c.Delete(ctx, d)).To(Succeed())
		gone("flood")(ctx)
	})

	It("stops creating pods for a Deployment deleted during its scale-up", func(ctx SpecContext) {
		d := clustertest.Deployment("runaway", replicas, "1m", "")
		Expect(c.Create(ctx, d)).To(Succeed())
		Eventually(func(g Gomega) { g.Expect(podsOf(ctx, g, "runaway")).NotTo(BeEmpty()) }).WithContext(ctx).Should(Succeed())
		Expect(c.Delete(ctx, d)).To(Succeed())
		gone("runaway")(ctx)
	})

	It("deletes the pods of a Deployment deleted in the foreground, then the Deployment", func(ctx SpecContext) {
		d := clustertest.Deployment("foreground", 3, "1m", "")
		Expect(c.Create(ctx, d)).To(Succeed())
		Eventually(func(g Gomega) { g.Expect(podsOf(ctx, g, "foreground")).To(HaveLen(3)) }).WithContext(ctx).Should(Succeed())
		Expect(c.Delete(ctx, d, client.PropagationPolicy("Foreground"))).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(d), &appsv1.Deployment{}))
		}).WithContext(ctx).Should(BeTrue(), "the foregroundDeletion finalizer is removed")
		gone("foreground")(ctx)
	})
})
