package eventingtest_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/knsim/knsim/system/apis/duck"
	eventingv1beta2 "github.com/knsim/knsim/system/apis/eventing/v1beta2"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
	"github.com/knsim/knsim/system/source"
)

// envOf returns the env of the named Deployment's first container.
func envOf(g Gomega, ctx SpecContext, ns, name string) []corev1.EnvVar {
	d := &appsv1.Deployment{}
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, d)).To(Succeed())
	return d.Spec.Template.Spec.Containers[0].Env
}

func readySource[T client.Object](ctx SpecContext, ns, name string, obj T, status func(T) *duck.SourceStatus) T {
	return ready(ctx, ns, name, obj, func(o T) *duck.Status { return &status(o).Status })
}

var _ = Describe("SinkBinding", Ordered, func() {
	BeforeAll(func(ctx SpecContext) {
		createNamespace(ctx, "bindings")
		Expect(applyYAML(ctx, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: producer, namespace: bindings, labels: {app: producer}}
spec:
  selector: {matchLabels: {app: producer}}
  template:
    metadata: {labels: {app: producer}}
    spec:
      containers: [{name: producer, image: example.com/producer, env: [{name: PERIOD, value: "1"}]}]
`)).To(Succeed())
	})

	It("injects K_SINK and K_CE_OVERRIDES into its subject Deployment", func(ctx SpecContext) {
		Expect(applyYAML(ctx, `
apiVersion: sources.knative.dev/v1
kind: SinkBinding
metadata: {name: bind-producer, namespace: bindings}
spec:
  subject: {apiVersion: apps/v1, kind: Deployment, selector: {matchLabels: {app: producer}}}
  sink: {uri: "http://sink.example.com/events"}
  ceOverrides: {extensions: {team: live}}
`)).To(Succeed())
		sb := readySource(ctx, "bindings", "bind-producer", &sourcesv1.SinkBinding{}, func(o *sourcesv1.SinkBinding) *duck.SourceStatus { return &o.Status })
		Expect(sb.Status.SinkURI).To(Equal("http://sink.example.com/events"))
		Eventually(func(g Gomega) {
			g.Expect(envOf(g, ctx, "bindings", "producer")).To(Equal([]corev1.EnvVar{
				{Name: "PERIOD", Value: "1"},
				{Name: "K_SINK", Value: "http://sink.example.com/events"},
				{Name: "K_CE_OVERRIDES", Value: `{"extensions":{"team":"live"}}`},
			}))
		}).WithContext(ctx).Should(Succeed())
	})

	It("takes the injection out when the binding is deleted", func(ctx SpecContext) {
		sb := &sourcesv1.SinkBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "bindings", Name: "bind-producer"}}
		Expect(c.Delete(ctx, sb)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(sb), sb))).To(BeTrue())
			g.Expect(envOf(g, ctx, "bindings", "producer")).To(Equal([]corev1.EnvVar{{Name: "PERIOD", Value: "1"}}))
		}).WithContext(ctx).Should(Succeed())
	})
})

var _ = Describe("ContainerSource", func() {
	It("runs its producer in a Deployment bound to the sink, and is Ready once the Deployment is available", func(ctx SpecContext) {
		createNamespace(ctx, "containers")
		Expect(applyYAML(ctx, `
apiVersion: sources.knative.dev/v1
kind: ContainerSource
metadata: {name: heartbeat, namespace: containers}
spec:
  template:
    spec:
      containers: [{name: heartbeats, image: example.com/heartbeats, args: ["--period=1"]}]
  sink: {uri: "http://sink.example.com"}
`)).To(Succeed())
		cs := readySource(ctx, "containers", "heartbeat", &sourcesv1.ContainerSource{}, func(o *sourcesv1.ContainerSource) *duck.SourceStatus { return &o.Status })
		Expect(cs.Status.SinkURI).To(Equal("http://sink.example.com"))

		d := &appsv1.Deployment{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "containers", Name: "heartbeat-deployment"}, d)).To(Succeed())
		Expect(metav1.GetControllerOf(d).UID).To(Equal(cs.UID))
		Expect(d.Spec.Template.Spec.Containers[0].Env).To(Equal([]corev1.EnvVar{{Name: "K_SINK", Value: "http://sink.example.com"}}))
		Expect(d.Status.AvailableReplicas).To(Equal(int32(1)))
		sb := readySource(ctx, "containers", "heartbeat-sinkbinding", &sourcesv1.SinkBinding{}, func(o *sourcesv1.SinkBinding) *duck.SourceStatus { return &o.Status })
		Expect(metav1.GetControllerOf(sb).UID).To(Equal(cs.UID))
		Expect(sb.Spec.Subject.Name).To(Equal("heartbeat-deployment"))
	})
})

// eventsOfType returns the recorded events of type t.
func eventsOfType(t string) []source.Emitted {
	var out []source.Emitted
	for _, e := range emitted.Events() {
		if e.Event.Type() == t {
			out = append(out, e)
		}
	}
	return out
}

var _ = Describe("ApiServerSource", Ordered, func() {
	It("emits resource events for the selected objects of its namespace", func(ctx SpecContext) {
		createNamespace(ctx, "watched")
		Expect(applyYAML(ctx, `
apiVersion: sources.knative.dev/v1
kind: ApiServerSource
metadata: {name: configmaps, namespace: watched}
spec:
  mode: Resource
  resources: [{apiVersion: v1, kind: ConfigMap, selector: {matchLabels: {watch: "yes"}}}]
  sink: {uri: "http://sink.example.com/k8s"}
`)).To(Succeed())
		src := readySource(ctx, "watched", "configmaps", &sourcesv1.ApiServerSource{}, func(o *sourcesv1.ApiServerSource) *duck.SourceStatus { return &o.Status })
		Expect(src.Status.CloudEventAttributes).To(ContainElement(duck.CloudEventAttributes{
			Type: "dev.knative.apiserver.resource.add", Source: "https://kubernetes.default.svc"}))

		Expect(c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "watched", Name: "ignored"}})).To(Succeed())
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "watched", Name: "cm1", Labels: map[string]string{"watch": "yes"}}}
		Expect(c.Create(ctx, cm)).To(Succeed())
		Eventually(func(g Gomega) {
			adds := eventsOfType("dev.knative.apiserver.resource.add")
			g.Expect(adds).To(HaveLen(1))
			g.Expect(adds[0].SinkURI).To(Equal("http://sink.example.com/k8s"))
			g.Expect(adds[0].Event.Subject()).To(Equal("/apis/v1/namespaces/watched/configmaps/cm1"))
		}).WithContext(ctx).Should(Succeed())

		cm.Data = map[string]string{"k": "v"}
		Expect(c.Update(ctx, cm)).To(Succeed())
		Expect(c.Delete(ctx, cm)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(eventsOfType("dev.knative.apiserver.resource.update")).To(HaveLen(1))
			g.Expect(eventsOfType("dev.knative.apiserver.resource.delete")).To(HaveLen(1))
		}).WithContext(ctx).Should(Succeed())
	})

	It("stops watching when it is deleted", func(ctx SpecContext) {
		Expect(c.Delete(ctx, &sourcesv1.ApiServerSource{ObjectMeta: metav1.ObjectMeta{Namespace: "watched", Name: "configmaps"}})).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(c.Get(ctx, client.ObjectKey{Namespace: "watched", Name: "configmaps"}, &sourcesv1.ApiServerSource{}))
		}).WithContext(ctx).Should(BeTrue())
		// Give the controller the delete event before creating the next object.
		Eventually(func() int { return len(eventsOfType("dev.knative.apiserver.resource.delete")) }).WithContext(ctx).Should(Equal(1))
		Expect(c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "watched", Name: "cm2",
			Labels: map[string]string{"watch": "yes"}}})).To(Succeed())
		Consistently(func() int { return len(eventsOfType("dev.knative.apiserver.resource.add")) }).
			WithContext(ctx).WithTimeout(time.Second).Should(Equal(1))
	})
})

var _ = Describe("EventType", func() {
	It("is Ready once the Broker it references exists", func(ctx SpecContext) {
		createNamespace(ctx, "types")
		Expect(applyYAML(ctx, `
apiVersion: eventing.knative.dev/v1beta2
kind: EventType
metadata: {name: comment, namespace: types}
spec:
  type: com.example.comment
  reference: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: comments}
`)).To(Succeed())
		et := &eventingv1beta2.EventType{}
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "types", Name: "comment"}, et)).To(Succeed())
			g.Expect(et.Status.GetCondition("Ready").IsFalse()).To(BeTrue(), "conditions: %+v", et.Status.Conditions)
		}).WithContext(ctx).Should(Succeed())
		Expect(applyYAML(ctx, `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: comments, namespace: types}
`)).To(Succeed())
		ready(ctx, "types", "comment", et, func(o *eventingv1beta2.EventType) *duck.Status { return &o.Status })
	})
})
