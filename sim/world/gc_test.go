package world_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// left counts the objects of each kind helloworld-go made that are left.
func left(ctx context.Context, c client.Client) map[string]int {
	out := map[string]int{}
	for kind, l := range map[string]client.ObjectList{
		"Service": &servingv1.ServiceList{}, "Configuration": &servingv1.ConfigurationList{}, "Route": &servingv1.RouteList{},
		"Revision": &servingv1.RevisionList{}, "PodAutoscaler": &autoscalingv1alpha1.PodAutoscalerList{},
		"ServerlessService": &networkingv1alpha1.ServerlessServiceList{}, "Deployment": &appsv1.DeploymentList{}, "Pod": &corev1.PodList{},
	} {
		Expect(c.List(ctx, l, client.InNamespace("default"))).To(Succeed())
		items, err := meta.ExtractList(l)
		Expect(err).NotTo(HaveOccurred())
		if len(items) > 0 {
			out[kind] = len(items)
		}
	}
	return out
}

var _ = Describe("the emulated garbage collector", func() {
	It("takes everything a deleted Knative Service owned, alike on envtest and the memory plane", func(ctx SpecContext) {
		want, got := onBothPlanes(ctx, func(ctx context.Context, p parityPlane) {
			startParity(ctx, p, 60*time.Second)
			p.until(ctx, 20*time.Second)
			Expect(left(ctx, p.client)).To(HaveKeyWithValue("Pod", 1))
			svc := &servingv1.Service{}
			Expect(p.client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go"}, svc)).To(Succeed())
			Expect(p.client.Delete(ctx, svc, client.PropagationPolicy(metav1.DeletePropagationBackground))).To(Succeed())
			p.until(ctx, 60*time.Second)
			Expect(left(ctx, p.client)).To(BeEmpty())
		})
		expectSameTimelines(want, got)
		Expect(stages(want, helloworldDeployment)).To(ContainElement("Deleted DeploymentDeleted"))
	}, NodeTimeout(3*time.Minute))
})
