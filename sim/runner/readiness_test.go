package runner_test

import (
	"strings"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// readinessScenario creates one Service with the run and a second at 10s;
// each pod takes a 2 s pull, a 1 s start and 0.5 s to Ready.
const readinessScenario = `
metadata: {name: readiness, duration: 30s, controlPlane: PLANE}
cluster:
  pods: {imagePull: 2s, cachedImagePull: 2s, containerStart: 1s, readiness: 500ms}
manifests:
  - file: helloworld-go.yaml
actions:
  - at: 10s
    apply:
      inline: |
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: second, namespace: default}
        spec:
          template:
            spec:
              containers: [{image: ghcr.io/knative/helloworld-go}]
expect:
  - ready.services == 2 && ready.count == 2 && ready.share == 100%
  - ready.p50 == 3.5s && ready.max == 3.5s
  - ready.started.max == 3s && ready.revision.max == 0
  - at(5s).ready.services == 1 && at(12s).ready.count == 1 && at(14s).ready.count == 2
  - service(second).ready.route.p95 == 3.5s
`

var _ = Describe("the Service-ready breakdown", func() {
	// Every stage but the pod's own happens when the control plane settles:
	// the Revision, its Deployment and its first pod's binding at the
	// Service's creation; the containers after the pull and the start (3 s);
	// PodAutoscaler Active, Configuration, Route and Service Ready with the
	// pod (3.5 s); the ServerlessService is Ready at once, in proxy mode.
	want := map[string]float64{
		results.StageConfiguration: 3500, results.StageRevision: 0, results.StageDeployment: 0,
		results.StageScheduled: 0, results.StageStarted: 3000, results.StageAutoscaler: 3500,
		results.StageSKS: 0, results.StageRoute: 3500, results.StageReady: 3500,
	}
	var memory *results.Results

	It("times each Service from its creation to every stage on the memory plane", func(ctx SpecContext) {
		sc, err := scenario.Parse("inline.yaml", []byte(strings.Replace(readinessScenario, "PLANE", "memory", 1)), "testdata")
		Expect(err).NotTo(HaveOccurred())
		res, err := runner.Run(ctx, sc, runner.Options{})
		Expect(err).NotTo(HaveOccurred())
		expectAllPassed(res)
		Expect(res.Readiness).NotTo(BeNil())
		got := []results.ServiceReadiness{}
		for _, s := range res.Readiness.ByService {
			got = append(got, results.ServiceReadiness{Namespace: s.Namespace, Service: s.Service, Created: s.Created, StagesMs: s.StagesMs})
		}
		Expect(cmp.Diff([]results.ServiceReadiness{
			{Namespace: "default", Service: "helloworld-go", Created: 0, StagesMs: want},
			{Namespace: "default", Service: "second", Created: 10, StagesMs: want},
		}, got)).To(BeEmpty())
		Expect(res.Readiness.ByService[0].Revision).To(Equal("helloworld-go-1"))
		memory = res
	})

	It("gives the same breakdown on envtest", func(ctx SpecContext) {
		if memory == nil {
			Skip("the memory-plane spec did not run")
		}
		sc, err := scenario.Parse("inline.yaml", []byte(strings.Replace(readinessScenario, "PLANE", "envtest", 1)), "testdata")
		Expect(err).NotTo(HaveOccurred())
		res, err := runner.Run(ctx, sc, runner.Options{})
		Expect(err).NotTo(HaveOccurred())
		expectAllPassed(res)
		Expect(cmp.Diff(memory.Readiness, res.Readiness)).To(BeEmpty())
	})

	It("is left out of results unless asked for", func(ctx SpecContext) {
		sc, err := scenario.Parse("inline.yaml", []byte(`
metadata: {name: no-readiness, duration: 5s, controlPlane: memory}
manifests:
  - file: helloworld-go.yaml
`), "testdata")
		Expect(err).NotTo(HaveOccurred())
		res, err := runner.Run(ctx, sc, runner.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Readiness).To(BeNil())
		res, err = runner.Run(ctx, sc, runner.Options{Readiness: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Readiness).NotTo(BeNil())
		Expect(res.Readiness.Ready).To(Equal(1))
	})
})
