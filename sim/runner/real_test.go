package runner_test

import (
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
)

// realBurst is a short hey burst in real mode: 20 workers against a
// revision whose target is 5 concurrent requests per pod, for 8 s of wall
// time, so the KPA must scale the revision up through the loopback data
// plane's stats.
const realBurst = `
metadata: {name: real-burst, seed: 1, duration: 20s, mode: real}
cluster:
  pods: {imagePull: 500ms, containerStart: 200ms, readiness: 100ms}
workloads:
  helloworld-go:
    serviceTime: 20ms
manifests:
  - inline: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: config-autoscaler, namespace: knative-serving}
      data:
        container-concurrency-target-default: "5"
        container-concurrency-target-percentage: "100"
  - file: helloworld-go.yaml
traffic:
  - {name: burst, host: helloworld-go.default.example.com, start: 4s, hey: {c: 20, z: 8s}}
expect:
  - requests.errors == 0
  - pods.max >= 2
`

var _ = Describe("real mode (wall clock, loopback HTTP, hey)", Label("real"), func() {
	It("runs a hey burst through the loopback gateway and records it as a virtual run is recorded", func(ctx SpecContext) {
		sc, err := scenario.Parse("real-burst.yaml", []byte(realBurst), "testdata")
		Expect(err).NotTo(HaveOccurred())
		res, err := runner.RunReal(ctx, sc, runner.Options{})
		Expect(err).NotTo(HaveOccurred())

		Expect(res.Scenario.Mode).To(Equal("real"))
		expectAllPassed(res)
		// 20 workers for 8 s at >= 20 ms each: at most 8000 requests; well
		// under that on a loaded machine, but far more than a handful.
		Expect(res.Requests.Total).To(BeNumerically(">", 500))
		Expect(res.Requests.Total).To(BeNumerically("<=", 8000))
		Expect(res.Requests.StatusCodes).To(HaveKeyWithValue("200", res.Requests.Total))
		Expect(float64(res.Requests.Latency.P50)).To(BeNumerically(">=", 20), "the container holds each request for its 20 ms service time")
		// One series per revision, a sample a second, the burst visible in it.
		Expect(res.Revisions).To(HaveLen(1))
		rev := res.Revisions[0]
		Expect(rev.Service).To(Equal("helloworld-go"))
		Expect(len(rev.Samples)).To(BeNumerically(">=", 15))
		peak := 0.0
		for _, s := range rev.Samples {
			peak = max(peak, s.RPS)
		}
		Expect(peak).To(BeNumerically(">", 50))
	}, SpecTimeout(3*time.Minute))

	It("refuses what real mode does not drive, naming it", func(ctx SpecContext) {
		sc, err := scenario.Parse("real-rate.yaml", []byte(`
metadata: {name: real-rate, duration: 10s, mode: real}
manifests: [{file: helloworld-go.yaml}]
traffic:
  - {host: helloworld-go.default.example.com, rate: {shape: constant, rps: 5}}
actions:
  - {at: 5s, deletePod: {service: helloworld-go}}
`), "testdata")
		Expect(err).NotTo(HaveOccurred())
		_, err = runner.RunReal(ctx, sc, runner.Options{})
		Expect(err).To(MatchError(ContainSubstring("traffic[0] (rate): real mode drives hey traffic only")))
		Expect(err).To(MatchError(ContainSubstring("actions[0] (deletePod at 5s)")))
	})

	It("scales an HPA-class revision on the CPU its loopback containers report", func(ctx SpecContext) {
		// 8 workers keep about 8 requests of 200m in work: 1600m on one
		// pod that requests 500m is 320% against a 50% target, so the HPA
		// wants ceil(6.4) = 7 pods. Its default scale-up policies allow
		// the larger of +100% and +4 pods per sync (every 15 s of wall
		// time): 1 -> 5 at the first sync with the load, 7 at the next.
		sc, err := scenario.Parse("real-hpa.yaml", []byte(`
metadata: {name: real-hpa, seed: 1, duration: 24s, mode: real}
cluster:
  pods: {imagePull: 500ms, containerStart: 200ms, readiness: 100ms}
workloads:
  cpu: {serviceTime: 50ms, cpuPerRequest: 200m}
`+hpaService+`traffic:
  - {name: busy, host: cpu.default.example.com, start: 2s, hey: {c: 8, z: 21s}}
expect:
  - requests.errors == 0
  - pods.max >= 2
`), "testdata")
		Expect(err).NotTo(HaveOccurred())
		res, err := runner.RunReal(ctx, sc, runner.Options{})
		Expect(err).NotTo(HaveOccurred())
		expectAllPassed(res)
		Expect(res.Revisions).To(HaveLen(1))
		var series []int32
		first := int32(0)
		for _, s := range res.Revisions[0].Samples {
			series = append(series, s.Desired)
			if first == 0 && s.Desired > 1 {
				first = s.Desired
			}
		}
		Expect(first).To(BeNumerically("==", 5), "the first scale-up is capped at 1 + 4 pods: %v", series)
		Expect(slices.Max(series)).To(BeNumerically("<=", 7), "the CPU use asks for 7 pods at most: %v", series)
	}, SpecTimeout(3*time.Minute))
})
