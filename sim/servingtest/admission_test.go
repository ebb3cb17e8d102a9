package servingtest_test

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// service renders a Service named name with extra spec YAML (already indented
// two spaces) and template annotations / spec fields.
func service(name, templateMeta, templateSpec, traffic string) string {
	return fmt.Sprintf(`
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: %s
  namespace: default
spec:
  template:
    metadata:
%s
    spec:
%s
      containers:
        - image: gcr.io/knative-samples/helloworld-go
%s
`, name, indentOr(templateMeta, "      labels: {}"), indentOr(templateSpec, ""), traffic)
}

func indentOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var _ = Describe("admission webhook", func() {
	DescribeTable("refuses invalid Services, naming the field",
		func(ctx SpecContext, yaml, wantMessage string) {
			err := applyYAML(ctx, yaml)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(wantMessage))
		},
		Entry("traffic summing to 90", service("bad-sum", "", "", `  traffic:
    - latestRevision: true
      percent: 90`), "Traffic targets sum to 90, want 100: spec.traffic"),
		Entry("a duplicate tag", service("bad-tag", "", "", `  traffic:
    - tag: a
      latestRevision: true
      percent: 50
    - tag: a
      latestRevision: true
      percent: 50`), `Multiple definitions for "a": spec.traffic[0].tag, spec.traffic[1].tag`),
		Entry("revisionName with latestRevision: true", service("bad-latest", "", "", `  traffic:
    - revisionName: bad-latest-1
      latestRevision: true
      percent: 100`), `may not set revisionName "bad-latest-1" when latestRevision is true: spec.traffic[0].latestRevision`),
		Entry("a revision name without the service prefix", service("bad-name", "      name: other-1", "", ""),
			`must have prefix "bad-name-": spec.template.metadata.name`),
		Entry("containerConcurrency above 1000", service("bad-cc", "", "      containerConcurrency: 1001", ""),
			"expected 0 <= 1001 <= 1000: spec.template.spec.containerConcurrency"),
		Entry("timeoutSeconds above 600", service("bad-timeout", "", "      timeoutSeconds: 601", ""),
			"spec.template.spec.timeoutSeconds"),
		Entry("a negative min-scale", service("bad-min", `      annotations:
        autoscaling.knative.dev/min-scale: "-1"`, "", ""),
			"spec.template.metadata.annotations.autoscaling.knative.dev/min-scale"),
		Entry("a window out of range", service("bad-window", `      annotations:
        autoscaling.knative.dev/window: "5s"`, "", ""),
			"spec.template.metadata.annotations.autoscaling.knative.dev/window"),
		Entry("a name of 84 characters", service(strings.Repeat("n", 84), "", "", ""),
			"not a DNS 1035 label: [must be no more than 63 characters]: metadata.name"),
		Entry("initial-scale 0 without allow-zero-initial-scale", service("bad-zero", `      annotations:
        autoscaling.knative.dev/initial-scale: "0"`, "", ""),
			"invalid value: 0: spec.template.metadata.annotations.autoscaling.knative.dev/initial-scale"),
	)

	It("refuses a change to a Revision's spec", func(ctx SpecContext) {
		Expect(applyYAML(ctx, service("immutable", "      name: immutable-1", "", ""))).To(Succeed())
		readyService(ctx, "default", "immutable")
		rev := &servingv1.Revision{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "immutable-1"}, rev)).To(Succeed())
		rev.Spec.ContainerConcurrency = ptr.To[int64](5)
		err := c.Update(ctx, rev)
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring("Immutable fields changed (-old +new): spec"))
	})

	It("defaults a Service that omits traffic, container name and timeout", func(ctx SpecContext) {
		Expect(applyYAML(ctx, service("defaults", "", "", ""))).To(Succeed())
		svc := &servingv1.Service{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "defaults"}, svc)).To(Succeed())
		Expect(svc.Spec.Traffic).To(Equal([]servingv1.TrafficTarget{{Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}}))
		Expect(svc.Spec.Template.Spec.Containers[0].Name).To(Equal("user-container"))
		Expect(*svc.Spec.Template.Spec.TimeoutSeconds).To(Equal(int64(300)))
		Expect(*svc.Spec.Template.Spec.ContainerConcurrency).To(Equal(int64(0)))
	})
})
