package servingtest_test

import (
	"fmt"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "github.com/knsim/knsim/system/apis/autoscaling/v1alpha1"
	"github.com/knsim/knsim/system/apis/duck"
	networkingv1alpha1 "github.com/knsim/knsim/system/apis/networking/v1alpha1"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

func target(tag, rev string, latest bool, percent int64, url string) servingv1.TrafficTarget {
	return servingv1.TrafficTarget{Tag: tag, RevisionName: rev, LatestRevision: ptr.To(latest), Percent: ptr.To(percent), URL: url}
}

var _ = Describe("helloworld-go, applied unchanged", Ordered, func() {
	It("becomes Ready with its URL and one revision taking all traffic", func(ctx SpecContext) {
		Expect(apply(ctx, "helloworld-go.yaml")).To(Succeed())
		svc := readyService(ctx, "default", "helloworld-go")

		Expect(svc.Status.URL).To(Equal("http://helloworld-go.default.example.com"))
		Expect(svc.Status.Address.URL).To(Equal("http://helloworld-go.default.svc.cluster.local"))
		Expect(svc.Status.LatestCreatedRevisionName).To(Equal("helloworld-go-1"))
		Expect(svc.Status.LatestReadyRevisionName).To(Equal("helloworld-go-1"))
		Expect(cmp.Diff([]servingv1.TrafficTarget{target("", "helloworld-go-1", true, 100, "")}, svc.Status.Traffic)).To(BeEmpty())
		for _, t := range []duck.ConditionType{"Ready", "ConfigurationsReady", "RoutesReady"} {
			Expect(svc.Status.GetCondition(t).IsTrue()).To(BeTrue(), "condition %s", t)
		}
	})

	It("owns a Configuration and a Route, and the Revision owns its Deployment, PodAutoscaler and ServerlessService", func(ctx SpecContext) {
		key := client.ObjectKey{Namespace: "default", Name: "helloworld-go"}
		cfg, rt := &servingv1.Configuration{}, &servingv1.Route{}
		Expect(c.Get(ctx, key, cfg)).To(Succeed())
		Expect(c.Get(ctx, key, rt)).To(Succeed())
		Expect(metav1.GetControllerOf(cfg).Kind).To(Equal("Service"))
		Expect(metav1.GetControllerOf(rt).Kind).To(Equal("Service"))

		rev := &servingv1.Revision{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go-1"}, rev)).To(Succeed())
		Expect(metav1.GetControllerOf(rev).Name).To(Equal("helloworld-go"))
		Expect(rev.Labels).To(HaveKeyWithValue(servingv1.ConfigurationGenerationLabelKey, "1"))
		Expect(rev.Labels).To(HaveKeyWithValue(servingv1.ServiceLabelKey, "helloworld-go"))
		Expect(*rev.Spec.TimeoutSeconds).To(Equal(int64(300)))
		Expect(rev.Spec.Containers[0].Name).To(Equal("user-container"))

		dep := &appsv1.Deployment{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go-1-deployment"}, dep)).To(Succeed())
		Expect(metav1.GetControllerOf(dep).UID).To(Equal(rev.UID))
		names := []string{}
		for _, ctr := range dep.Spec.Template.Spec.Containers {
			names = append(names, ctr.Name)
		}
		Expect(names).To(Equal([]string{"user-container", "queue-proxy"}))
		Expect(dep.Status.ReadyReplicas).To(Equal(int32(1)))

		pa := &autoscalingv1alpha1.PodAutoscaler{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go-1"}, pa)).To(Succeed())
		Expect(metav1.GetControllerOf(pa).UID).To(Equal(rev.UID))
		Expect(*pa.Status.ActualScale).To(Equal(int32(1)))
		sks := &networkingv1alpha1.ServerlessService{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "helloworld-go-1"}, sks)).To(Succeed())
		Expect(metav1.GetControllerOf(sks).UID).To(Equal(rev.UID))
		// With the default target-burst-capacity (211) one pod (100 slots)
		// leaves negative excess burst capacity: the activator stays in the path.
		Expect(sks.Spec.Mode).To(Equal(networkingv1alpha1.SKSModeProxy))

		var pods corev1.PodList
		Expect(c.List(ctx, &pods, client.InNamespace("default"), client.MatchingLabels{servingv1.RevisionLabelKey: "helloworld-go-1"})).To(Succeed())
		Expect(pods.Items).To(HaveLen(1))
		Expect(pods.Items[0].Spec.NodeName).NotTo(BeEmpty())
		Expect(pods.Items[0].Status.Phase).To(Equal(corev1.PodRunning))
	})

	It("splits 50/50 between two tagged revisions with a 0% latest tag", func(ctx SpecContext) {
		Expect(apply(ctx, "helloworld-go-split.yaml")).To(Succeed())
		var svc *servingv1.Service
		Eventually(func(g Gomega) {
			svc = readyService(ctx, "default", "helloworld-go")
			g.Expect(svc.Status.LatestReadyRevisionName).To(Equal("helloworld-go-2"))
		}).WithContext(ctx).Should(Succeed())
		want := []servingv1.TrafficTarget{
			target("current", "helloworld-go-1", false, 50, "http://current-helloworld-go.default.example.com"),
			target("candidate", "helloworld-go-2", false, 50, "http://candidate-helloworld-go.default.example.com"),
			target("latest", "helloworld-go-2", true, 0, "http://latest-helloworld-go.default.example.com"),
		}
		Expect(cmp.Diff(want, svc.Status.Traffic)).To(BeEmpty())
	})
})

var _ = Describe("helloworld-go in namespace example", Ordered, func() {
	It("gets a generated revision name and a URL in its namespace", func(ctx SpecContext) {
		Expect(apply(ctx, "helloworld-go-example-ns.yaml")).To(Succeed())
		svc := readyService(ctx, "example", "helloworld-go")
		Expect(svc.Status.URL).To(Equal("http://helloworld-go.example.example.com"))
		Expect(svc.Status.LatestReadyRevisionName).To(MatchRegexp(`^helloworld-go-[a-z0-9]{5}$`))
	})

	It("stamps a new revision on a template update and moves latestRevision traffic to it", func(ctx SpecContext) {
		before := readyService(ctx, "example", "helloworld-go")
		old := before.Status.LatestReadyRevisionName
		Expect(applyYAML(ctx, `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: helloworld-go
  namespace: example
spec:
  template:
    spec:
      containers:
        - image: registry.cn-hangzhou.aliyuncs.com/knative-sample/helloworld-go:160e4dc8
          env:
            - name: TARGET
              value: "Go Sample v2"
`)).To(Succeed())
		var svc *servingv1.Service
		Eventually(func(g Gomega) {
			svc = readyService(ctx, "example", "helloworld-go")
			g.Expect(svc.Status.LatestReadyRevisionName).NotTo(Equal(old))
		}).WithContext(ctx).Should(Succeed())
		Expect(svc.Status.LatestCreatedRevisionName).To(Equal(svc.Status.LatestReadyRevisionName))
		Expect(cmp.Diff([]servingv1.TrafficTarget{target("", svc.Status.LatestReadyRevisionName, true, 100, "")}, svc.Status.Traffic)).To(BeEmpty())

		rev := &servingv1.Revision{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "example", Name: svc.Status.LatestReadyRevisionName}, rev)).To(Succeed())
		Expect(rev.Labels).To(HaveKeyWithValue(servingv1.ConfigurationGenerationLabelKey, "2"))
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "example", Name: old}, &servingv1.Revision{})).To(Succeed(), "old revision is kept")
	})
})

var _ = Describe("domain from config-domain", func() {
	It("uses the configured default domain", func(ctx SpecContext) {
		Expect(applyYAML(ctx, `
apiVersion: v1
kind: Namespace
metadata:
  name: domains
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-domain
  namespace: knative-serving
data:
  knsim.test: ""
  internal.test: |
    selector:
      visibility: internal
`)).To(Succeed())
		DeferCleanup(func(ctx SpecContext) {
			Expect(c.Delete(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "config-domain"}})).To(Succeed())
		})
		Expect(applyYAML(ctx, fmt.Sprintf(`
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: a, namespace: domains}
spec:
  template:
    spec:
      containers: [{image: %[1]s}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: b, namespace: domains, labels: {visibility: internal}}
spec:
  template:
    spec:
      containers: [{image: %[1]s}]
`, "gcr.io/knative-samples/helloworld-go"))).To(Succeed())
		Expect(readyService(ctx, "domains", "a").Status.URL).To(Equal("http://a.domains.knsim.test"))
		Expect(readyService(ctx, "domains", "b").Status.URL).To(Equal("http://b.domains.internal.test"))
	})
})
