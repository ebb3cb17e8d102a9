package runner_test

import (
	"math"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
)

// realized is the model's mean instance count over the run's own arrivals:
// an instance lives from a cold request's arrival until keep after the
// last request it served ends.
func realized(reqs []telemetry.Record, keep time.Duration, res *results.Results) float64 {
	slices.SortFunc(reqs, func(a, b telemetry.Record) int { return a.Start.Compare(b.Start) })
	var alive time.Duration
	for i, r := range reqs {
		until := r.End.Add(keep)
		if i+1 < len(reqs) && reqs[i+1].Start.Before(until) {
			until = reqs[i+1].Start
		}
		alive += until.Sub(r.Start)
	}
	return alive.Seconds() / float64(res.Scenario.Duration)
}

// keepAliveModel is one function under the fixed keep-alive policy with
// Poisson arrivals far apart next to its service time, so that it almost
// never has more than one instance: the regime where a scale-per-request
// model (SimFaaS, Mahmoudi and Khazaei) has closed forms.
const keepAliveModel = `
metadata: {name: keepalive-model, seed: 7, duration: 24h, controlPlane: memory}
cluster:
  pods: {imagePull: 200ms, cachedImagePull: 200ms, containerStart: 200ms, readiness: 100ms}
workloads:
  fn: {serviceTime: 10ms}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: fn, namespace: default}
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/class: keepalive.autoscaling.knsim.dev
              autoscaling.knsim.dev/keep-alive: 1m
          spec:
            containers: [{image: example.com/fn}]
traffic:
  - {name: poisson, host: fn.default.example.com, start: 10s, rate: {rps: 0.0166667, arrivals: poisson}}
`

var _ = Describe("the keep-alive policy against the scale-per-request model", func() {
	It("gives the cold-start probability and mean instance count of Poisson arrivals with a fixed keep-alive", func(ctx SpecContext) {
		sc, err := scenario.Parse("inline.yaml", []byte(keepAliveModel), "testdata")
		Expect(err).NotTo(HaveOccurred())
		var (
			mu   sync.Mutex
			reqs []telemetry.Record
		)
		res, err := runner.Run(ctx, sc, runner.Options{OnRequest: func(r telemetry.Record) {
			mu.Lock()
			defer mu.Unlock()
			reqs = append(reqs, r)
		}})
		Expect(err).NotTo(HaveOccurred())
		mu.Lock()
		defer mu.Unlock()

		// With arrivals at rate λ and an instance kept for T after each
		// request (service time negligible), a request is cold when the gap
		// since the last one ends exceeds T: P(cold) = exp(-λT); an
		// instance is alive for min(gap, T) of every gap, so the mean
		// instance count is λ E[min(G, T)] = 1 - exp(-λT). knsim removes an
		// expired instance at the next one-second report, after its 1 s
		// drain: an instance goes 61 s to 62 s after its last request ends,
		// so T is 61.5 s on average (λT = 1.025).
		const keep = 61500 * time.Millisecond
		lambdaT := keep.Seconds() / 60
		n := float64(res.Requests.Total)
		Expect(n).To(BeNumerically("~", 1440, 150), "a day of arrivals at one a minute")
		pCold := float64(res.ColdStarts.Count) / n
		sigma := math.Sqrt(math.Exp(-lambdaT) * (1 - math.Exp(-lambdaT)) / n)
		Expect(pCold).To(BeNumerically("~", math.Exp(-lambdaT), 3*sigma), "cold-start probability against exp(-λT)")

		// The mean instance count against the model over this run's own
		// arrivals (an instance alive from a cold arrival until T after the
		// last request it served), with T between 61 s and 62 s; and
		// against the closed form, within the sampling error of one day's
		// 1,440 gaps.
		meanInstances := res.Cost.PodSeconds / float64(res.Scenario.Duration)
		lo, hi := realized(reqs, 61*time.Second, res), realized(reqs, 62*time.Second, res)
		Expect(meanInstances).To(BeNumerically(">=", lo-0.01), "mean instance count against the model over the run's arrivals")
		Expect(meanInstances).To(BeNumerically("<=", hi+0.01), "mean instance count against the model over the run's arrivals")
		Expect(meanInstances).To(BeNumerically("~", 1-math.Exp(-lambdaT), 0.05), "mean instance count against 1 - exp(-λT)")
	})
})
