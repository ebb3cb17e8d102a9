package runner_test

import (
	"context"
	"fmt"
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
var keepAliveModel = keepAliveScenario("keepalive-model", 7, "24h", "10ms", "1m", 0.0166667)

var _ = Describe("the keep-alive policy against the scale-per-request model", func() {
	It("gives the cold-start probability and mean instance count of Poisson arrivals with a fixed keep-alive", func(ctx SpecContext) {
		res, reqs := runRecording(ctx, keepAliveModel)

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

// scalePerRequest replays arrivals through the scale-per-request model of
// SimFaaS (Mahmoudi and Khazaei; its ServerlessSimulator): an arrival takes
// the newest idle instance, or creates an instance and is cold, busy for
// start-up plus its service time; an instance idle for keep expires. It
// returns the share of cold arrivals and the time-average instance count
// over [0, horizon).
func scalePerRequest(arrivals []time.Duration, service []time.Duration, startup, keep, horizon time.Duration) (pCold, mean float64) {
	type instance struct{ created, busyUntil time.Duration }
	var (
		live  []*instance // in creation order
		alive time.Duration
		colds int
	)
	retire := func(now time.Duration) {
		kept := live[:0]
		for _, in := range live {
			if end := in.busyUntil + keep; end <= now {
				alive += end - in.created
				continue
			}
			kept = append(kept, in)
		}
		live = kept
	}
	for i, at := range arrivals {
		retire(at)
		var pick *instance
		for j := len(live) - 1; j >= 0; j-- { // newest first
			if live[j].busyUntil <= at {
				pick = live[j]
				break
			}
		}
		if pick == nil {
			colds++
			pick = &instance{created: at, busyUntil: at + startup}
			live = append(live, pick)
		}
		pick.busyUntil = max(pick.busyUntil, at) + service[i]
	}
	for _, in := range live {
		alive += min(in.busyUntil+keep, horizon) - in.created
	}
	return float64(colds) / float64(len(arrivals)), alive.Seconds() / horizon.Seconds()
}

// keepAliveBusy has several instances at once: Poisson arrivals at one
// every two seconds and exponential service times of two seconds, so a
// request often finds every instance busy and starts one of its own.
var keepAliveBusy = keepAliveScenario("keepalive-busy", 11, "6h", "{type: exponential, mean: 2s}", "30s", 0.5)

var _ = Describe("the keep-alive policy against a scale-per-request simulator", func() {
	It("matches the cold-start probability and mean instance count of the same arrivals with several instances busy", func(ctx SpecContext) {
		res, reqs := runRecording(ctx, keepAliveBusy)
		slices.SortFunc(reqs, func(a, b telemetry.Record) int { return a.Start.Compare(b.Start) })
		Expect(len(reqs)).To(BeNumerically("~", 10800, 400), "six hours of arrivals at one every two seconds")

		// The reference replays the run's own arrivals and service times;
		// its start-up is the mean wait of knsim's cold requests that found
		// no instance at all, and its keep-alive knsim's effective one (the
		// next one-second report, after a 1 s drain: 31.5 s on average).
		start := reqs[0].Start.Add(-10 * time.Second)
		var (
			arrivals, service []time.Duration
			wait              time.Duration
			waits             int
		)
		for _, r := range reqs {
			arrivals = append(arrivals, r.Start.Sub(start))
			service = append(service, r.AppEnd.Sub(r.AppStart))
			if r.ColdStart && r.AppStart.Sub(r.Start) > time.Second/2 {
				wait += r.AppStart.Sub(r.Start)
				waits++
			}
		}
		Expect(waits).To(BeNumerically(">", 100))
		startup := wait / time.Duration(waits)
		horizon := time.Duration(float64(res.Scenario.Duration) * float64(time.Second))
		refCold, refMean := scalePerRequest(arrivals, service, startup, 31500*time.Millisecond, horizon)

		// P(cold) is per request in the model: every request that started
		// an instance. (Results count cold-start episodes, which merge
		// requests that wait for the same start-up: a little fewer.)
		meanInstances := res.Cost.PodSeconds / horizon.Seconds()
		coldReqs := 0
		for _, r := range reqs {
			if r.ColdStart {
				coldReqs++
			}
		}
		pCold := float64(coldReqs) / float64(len(reqs))
		GinkgoWriter.Printf("cold %.4f (episodes %.4f; reference %.4f), instances %.3f (reference %.3f), start-up %v\n",
			pCold, float64(res.ColdStarts.Count)/float64(res.Requests.Total), refCold, meanInstances, refMean, startup)
		Expect(refCold).To(BeNumerically(">", 0.01), "the regime has cold starts to compare")
		Expect(pCold).To(BeNumerically("~", refCold, 0.15*refCold), "cold-start probability within 15 percent of the reference")
		Expect(meanInstances).To(BeNumerically("~", refMean, 0.10*refMean), "mean instance count within 10 percent of the reference")
	})
})

// keepAliveScenario is one function under the fixed keep-alive policy with
// Poisson arrivals from 10 s: the scenarios the model specs run.
func keepAliveScenario(name string, seed int, duration, serviceTime, keepAlive string, rps float64) string {
	return fmt.Sprintf(`
metadata: {name: %s, seed: %d, duration: %s, controlPlane: memory}
cluster:
  pods: {imagePull: 200ms, cachedImagePull: 200ms, containerStart: 200ms, readiness: 100ms}
workloads:
  fn: {serviceTime: %s}
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
              autoscaling.knsim.dev/keep-alive: %s
          spec:
            containers: [{image: example.com/fn}]
traffic:
  - {name: poisson, host: fn.default.example.com, start: 10s, rate: {rps: %g, arrivals: poisson}}
`, name, seed, duration, serviceTime, keepAlive, rps)
}

// runRecording runs the scenario document and returns its results and
// every request's record.
func runRecording(ctx context.Context, doc string) (*results.Results, []telemetry.Record) {
	sc, err := scenario.Parse("inline.yaml", []byte(doc), "testdata")
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
	return res, slices.Clone(reqs)
}
