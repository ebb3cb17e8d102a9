package runner_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const hello = `
manifests:
  - file: helloworld-go.yaml
`

var _ = Describe("the KPA in virtual time", func() {
	It("panics on a concurrency step 50 -> 700 and asks for 10 pods within one panic window", func(ctx SpecContext) {
		res := run(ctx, `
metadata: {name: step, seed: 1, duration: 90s, controlPlane: memory}
workloads:
  helloworld-go: {serviceTime: 1s}
`+hello+`
traffic:
  - {name: base, host: helloworld-go.default.example.com, hey: {c: 50, z: 90s}}
  - {name: step, host: helloworld-go.default.example.com, start: 60s, hey: {c: 650, z: 30s}}
`)
		before := sample(res, "helloworld-go-1", 59)
		Expect(before.Desired).To(BeNumerically("==", 1), "50 concurrent requests fit one pod (target 70)")
		// The panic window is 6 s: by then the decider has seen the step.
		Expect(sample(res, "helloworld-go-1", 66).Desired).To(BeNumerically("==", 10))
	})

	It("scales an idle revision to zero after the stable window and the grace period", func(ctx SpecContext) {
		res := run(ctx, `
metadata: {name: idle, seed: 1, duration: 3m, controlPlane: memory}
`+hello+`
expect:
  - at(80s).pods.ready == 1
  - at(150s).pods.ready == 0
`)
		expectAllPassed(res)
	})

	It("buffers the first request at zero in the activator and serves it after a cold start as long as the pod start-up", func(ctx SpecContext) {
		res := run(ctx, `
metadata: {name: cold, seed: 1, duration: 4m, controlPlane: memory}
cluster:
  pods: {imagePull: 2s, cachedImagePull: 2s, containerStart: 1s, readiness: 500ms}
`+hello+`
traffic:
  - {name: one, host: helloworld-go.default.example.com, start: 3m, hey: {n: 1, c: 1}}
expect:
  - at(179s).pods.ready == 0
  - coldstarts.count == 1
  - requests.ok == 1
  - activator.inpath == 1
`)
		expectAllPassed(res)
		// Start-up is 3.5 s; the poke reaches the autoscaler within a hop.
		Expect(res.ColdStarts.Latency.P50).To(BeNumerically("~", 3500, 5))
	})

	It("keeps the activator in the path with target-burst-capacity -1", func(ctx SpecContext) {
		res := run(ctx, `
metadata: {name: tbc, seed: 1, duration: 60s, controlPlane: memory}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: tbc, namespace: default}
      spec:
        template:
          metadata:
            annotations: {autoscaling.knative.dev/target-burst-capacity: "-1"}
          spec:
            containers: [{image: example.com/tbc}]
traffic:
  - {name: load, host: tbc.default.example.com, start: 10s, rate: {rps: 20}}
expect:
  - activator.inpath == requests.total
`)
		Expect(res.Requests.Total).To(BeNumerically(">", 500))
		Expect(res.Expectations).To(HaveLen(1))
	})

	It("holds min-scale with no traffic", func(ctx SpecContext) {
		res := run(ctx, `
metadata: {name: min, seed: 1, duration: 4m, controlPlane: memory}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: min, namespace: default}
      spec:
        template:
          metadata:
            annotations: {autoscaling.knative.dev/min-scale: "2"}
          spec:
            containers: [{image: example.com/min}]
expect:
  - at(4m).pods.ready == 2
  - pods.max == 2
`)
		expectAllPassed(res)
	})
})
