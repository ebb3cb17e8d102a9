package eventingtest_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	eventingv1 "github.com/knsim/knsim/system/apis/eventing/v1"
	flowsv1 "github.com/knsim/knsim/system/apis/flows/v1"
	sourcesv1 "github.com/knsim/knsim/system/apis/sources/v1"
)

func trigger(name, spec string) string {
	return fmt.Sprintf(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: %s, namespace: admission}
spec:
  broker: default
  subscriber: {uri: "http://sink.example.com"}
%s`, name, spec)
}

func subscription(name, delivery string) string {
	return fmt.Sprintf(`
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: %s, namespace: admission}
spec:
  channel: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel, name: my-channel}
  subscriber: {uri: "http://sink.example.com"}
  delivery:
%s`, name, delivery)
}

func ping(name, schedule string) string {
	return fmt.Sprintf(`
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: {name: %s, namespace: admission}
spec:
  schedule: %q
  data: '{"a": 1}'
  sink: {uri: "http://sink.example.com"}
`, name, schedule)
}

// crossTrigger and crossSubscription name victim.team-b from the
// admission namespace.
func crossTrigger(name string) string {
	return fmt.Sprintf(`
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: %s, namespace: admission}
spec:
  broker: default
  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: victim, namespace: team-b}}
`, name)
}

func crossSubscription(name string) string {
	return fmt.Sprintf(`
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata: {name: %s, namespace: admission}
spec:
  channel: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel, name: my-channel}
  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: victim, namespace: team-b}}
`, name)
}

var _ = Describe("eventing admission", func() {
	BeforeEach(func(ctx SpecContext) { createNamespace(ctx, "admission") })

	DescribeTable("refuses invalid objects, naming the field",
		func(ctx SpecContext, yaml string, want []string) {
			err := applyYAML(ctx, yaml)
			Expect(err).To(HaveOccurred())
			for _, w := range want {
				Expect(err.Error()).To(ContainSubstring(w))
			}
		},
		Entry("a Trigger filter with bad CESQL", trigger("bad-cesql", `  filters:
    - cesql: "type = "`), []string{"spec.filters[0].cesql", "invalid CESQL expression"}),
		Entry("a Trigger filter with two dialects", trigger("two-dialects", `  filters:
    - exact: {type: a}
    - exact: {type: b}
      prefix: {source: c}`), []string{"multiple dialects found, filters can have only one dialect set: spec.filters[1]"}),
		Entry("a Trigger filter with an empty attribute name", trigger("empty-attr", `  filters:
    - prefix: {"": x}`), []string{"spec.filters[0].prefix"}),
		Entry("a Trigger without a broker", `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: no-broker, namespace: admission}
spec:
  subscriber: {uri: "http://sink.example.com"}
`, []string{"spec.broker"}), // the CRD schema refuses it before the webhook
		Entry("a negative retry", subscription("negative-retry", "    retry: -1"), []string{"invalid value: -1: spec.delivery.retry"}),
		Entry("a bad ISO-8601 backoff delay", subscription("bad-delay", "    backoffDelay: 500ms"),
			[]string{"invalid value: 500ms: spec.delivery.backoffDelay", "ISO-8601"}),
		Entry("a dead letter sink with a relative URI and no ref", subscription("bad-dls", "    deadLetterSink: {uri: /dead}"),
			[]string{"spec.delivery.deadLetterSink.uri"}),
		Entry("a bad cron schedule", ping("bad-cron", "every minute"), []string{"invalid value: every minute: spec.schedule"}),
		Entry("a cron field out of range", ping("bad-minute", "61 * * * *"), []string{"spec.schedule", "above maximum (59)"}),
		Entry("a Sequence without steps", `
apiVersion: flows.knative.dev/v1
kind: Sequence
metadata: {name: empty, namespace: admission}
spec: {steps: []}
`, []string{"missing field(s): spec.steps"}),
		Entry("an ApiServerSource in an unknown mode", `
apiVersion: sources.knative.dev/v1
kind: ApiServerSource
metadata: {name: bad-mode, namespace: admission}
spec:
  mode: Everything
  resources: [{apiVersion: v1, kind: Pod}]
  sink: {uri: "http://sink.example.com"}
`, []string{"spec.mode"}),
		Entry("a Trigger whose subscriber is in another namespace", crossTrigger("cross"),
			[]string{`mismatched namespaces: spec.subscriber.ref.namespace`, `parent namespace: "admission" does not match ref: "team-b"`}),
		Entry("a Subscription whose subscriber is in another namespace", crossSubscription("cross"),
			[]string{`mismatched namespaces: spec.subscriber.ref.namespace`, `parent namespace: "admission" does not match ref: "team-b"`}),
	)

	It("admits references into another namespace once config-features enables cross-namespace-event-links", func(ctx SpecContext) {
		createNamespace(ctx, "knative-eventing")
		features := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-eventing", Name: "config-features"},
			Data: map[string]string{"cross-namespace-event-links": "enabled"}}
		Expect(c.Create(ctx, features)).To(Succeed())
		DeferCleanup(func(ctx SpecContext) { Expect(c.Delete(ctx, features)).To(Succeed()) })
		Expect(applyYAML(ctx, crossTrigger("cross-allowed"))).To(Succeed())
		Expect(applyYAML(ctx, crossSubscription("cross-allowed"))).To(Succeed())
	})

	It("refuses moving a Trigger to another broker", func(ctx SpecContext) {
		Expect(applyYAML(ctx, trigger("stays", ""))).To(Succeed())
		var err error
		Eventually(func(g Gomega) {
			t := &eventingv1.Trigger{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "admission", Name: "stays"}, t)).To(Succeed())
			t.Spec.Broker = "other"
			err = c.Update(ctx, t)
			g.Expect(apierrors.IsConflict(err)).To(BeFalse(), "the controller wrote in between")
		}).WithContext(ctx).Should(Succeed())
		Expect(err).To(MatchError(ContainSubstring("Immutable fields changed (-old +new): spec.broker")))
	})

	It("defaults what Knative defaults", func(ctx SpecContext) {
		Expect(applyYAML(ctx, `
apiVersion: flows.knative.dev/v1
kind: Parallel
metadata: {name: defaults, namespace: admission}
spec:
  branches: [{subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: x}}}]
---
apiVersion: sources.knative.dev/v1
kind: ApiServerSource
metadata: {name: defaults, namespace: admission}
spec:
  resources: [{apiVersion: v1, kind: Event}]
  sink: {uri: "http://sink.example.com"}
---
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: {name: defaults, namespace: admission}
spec:
  sink: {uri: "http://sink.example.com"}
`)).To(Succeed())
		p := &flowsv1.Parallel{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "admission", Name: "defaults"}, p)).To(Succeed())
		Expect(p.Spec.ChannelTemplate.APIVersion + " " + p.Spec.ChannelTemplate.Kind).To(Equal("messaging.knative.dev/v1 InMemoryChannel"))
		Expect(p.Spec.Branches[0].Subscriber.Ref.Namespace).To(Equal("admission"))
		a := &sourcesv1.ApiServerSource{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "admission", Name: "defaults"}, a)).To(Succeed())
		Expect(a.Spec.EventMode).To(Equal("Reference"))
		ps := &sourcesv1.PingSource{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "admission", Name: "defaults"}, ps)).To(Succeed())
		Expect(ps.Spec.Schedule).To(Equal("* * * * *"))
	})
})
