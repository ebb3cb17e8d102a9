package runner_test

import (
	"fmt"
	"math"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/knsim/knsim/system/telemetry"
)

// erlangC is the probability that an arrival waits in an M/M/c queue with
// offered load a = lambda/mu (a < c).
func erlangC(c int, a float64) float64 {
	// Erlang B by its stable recurrence, then C from B.
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	rho := a / float64(c)
	return b / (1 - rho*(1-b))
}

// mm1k is an M/M/1 queue holding at most k requests (in service and
// waiting): the probability an arrival is turned away, and the mean
// sojourn of the requests let in.
func mm1k(lambda, mu float64, k int) (block float64, sojourn time.Duration) {
	rho := lambda / mu
	p0 := (1 - rho) / (1 - math.Pow(rho, float64(k+1)))
	var l float64
	for n := 0; n <= k; n++ {
		l += float64(n) * p0 * math.Pow(rho, float64(n))
	}
	block = p0 * math.Pow(rho, float64(k))
	return block, seconds(l / (lambda * (1 - block)))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// batchMeans is the 99% confidence interval of the long-run mean of xs (in
// arrival order) by the method of batch means over n batches, which
// absorbs the correlation between neighbouring requests.
func batchMeans(xs []float64, n int) (lo, hi float64) {
	size := len(xs) / n
	means := make([]float64, n)
	for i := range n {
		means[i] = stat.Mean(xs[i*size:(i+1)*size], nil)
	}
	m, sd := stat.MeanStdDev(means, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.995)
	half := t * sd / math.Sqrt(float64(n))
	return m - half, m + half
}

// queueing is a revision of four pods with containerConcurrency 1 and
// exponential 100 ms service under 30 rps of Poisson arrivals from 1m, on
// a network that hardly counts: only the routing differs between specs.
func queueing(name, tbc string) string {
	return fmt.Sprintf(`
metadata: {name: %[1]s, seed: 11, duration: 41m}
cluster:
  network: {hop: 1us}
  pods: {imagePull: 1s, containerStart: 500ms, readiness: 200ms}
workloads:
  %[1]s: {serviceTime: {type: exponential, mean: 100ms}}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: %[1]s, namespace: default}
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/min-scale: "4"
              autoscaling.knative.dev/max-scale: "4"
              autoscaling.knative.dev/target-burst-capacity: %[2]q
          spec:
            containerConcurrency: 1
            containers: [{image: example.com/queue}]
traffic:
  - {name: poisson, host: %[1]s.default.example.com, start: 1m, rate: {rps: 30}}
`, name, tbc)
}

// waits returns each request's wait for a container (arrival to service
// start, less the forward hops) and service time, in arrival order, in
// seconds; and how many requests got each status.
func waits(o *observed, hops time.Duration) (wait, service []float64, status map[int]int) {
	recs := slices.Clone(o.records)
	slices.SortStableFunc(recs, func(a, b telemetry.Record) int { return a.Start.Compare(b.Start) })
	status = map[int]int{}
	for _, r := range recs {
		status[r.Status]++
		if r.AppStart.IsZero() {
			continue
		}
		wait = append(wait, (r.AppStart.Sub(r.Start) - hops).Seconds())
		service = append(service, r.AppEnd.Sub(r.AppStart).Seconds())
	}
	return wait, service, status
}

var _ = Describe("a fixed-size revision against queueing theory", Label("queueing"), func() {
	const (
		lambda  = 30.0 // arrivals per second
		mu      = 10.0 // services per second per pod
		servers = 4
		batches = 20
	)

	It("is one M/M/c queue while the activator is in the path (target-burst-capacity -1)", func(ctx SpecContext) {
		res, o := observe(ctx, queueing("mmc", "-1"))
		Expect(res.Requests.Errors).To(BeZero(), "the activator queues what the pods cannot take")
		Expect(res.Pods.MaxReady).To(BeNumerically("==", servers))
		for _, r := range o.records {
			Expect(r.Path).To(Equal(telemetry.PathActivator))
		}
		// Client -> gateway -> activator -> queue-proxy.
		wait, service, _ := waits(o, 3*time.Microsecond)
		Expect(len(wait)).To(BeNumerically(">", 30000))

		a := lambda / mu
		pWait := erlangC(servers, a)
		meanWait := pWait / (servers*mu - lambda)
		lo, hi := batchMeans(service, batches)
		Expect(1/mu).To(BeNumerically(">=", lo), "mean service time")
		Expect(1/mu).To(BeNumerically("<=", hi), "mean service time")
		lo, hi = batchMeans(wait, batches)
		GinkgoWriter.Printf("M/M/%d: mean wait %.2f ms, 99%% CI [%.2f, %.2f] ms\n", servers, meanWait*1e3, lo*1e3, hi*1e3)
		Expect(meanWait).To(BeNumerically(">=", lo), "Erlang C mean wait")
		Expect(meanWait).To(BeNumerically("<=", hi), "Erlang C mean wait")
		waited := make([]float64, len(wait))
		for i, w := range wait {
			if w > 50e-6 { // more than the network, far less than a wait
				waited[i] = 1
			}
		}
		lo, hi = batchMeans(waited, batches)
		GinkgoWriter.Printf("M/M/%d: P(wait) %.4f, 99%% CI [%.4f, %.4f]\n", servers, pWait, lo, hi)
		Expect(pWait).To(BeNumerically(">=", lo), "Erlang C probability of waiting")
		Expect(pWait).To(BeNumerically("<=", hi), "Erlang C probability of waiting")
	})

	It("is four M/M/1/11 queues when kube-proxy spreads requests at random (target-burst-capacity 0)", func(ctx SpecContext) {
		res, o := observe(ctx, queueing("mm1k", "0"))
		Expect(res.Pods.MaxReady).To(BeNumerically("==", servers))
		for _, r := range o.records {
			Expect(r.Path).To(Equal(telemetry.PathDirect))
		}
		// Client -> gateway -> queue-proxy. Each pod gets a quarter of the
		// Poisson stream, and its queue-proxy holds 1 request in service
		// and 10 x containerConcurrency waiting: the 12th is turned away.
		wait, service, status := waits(o, 2*time.Microsecond)
		block, sojourn := mm1k(lambda/servers, mu, 1+10)
		n := status[200] + status[503]
		Expect(n).To(Equal(len(o.records)), "only 200s and 503s")
		blo, bhi := binomialInterval(n, block, 0.99)
		GinkgoWriter.Printf("M/M/1/11: %d of %d turned away, 99%% interval [%d, %d]\n", status[503], n, blo, bhi)
		Expect(status[503]).To(BeNumerically(">=", blo), "M/M/1/K blocking")
		Expect(status[503]).To(BeNumerically("<=", bhi), "M/M/1/K blocking")

		total := make([]float64, len(wait))
		for i := range wait {
			total[i] = wait[i] + service[i]
		}
		lo, hi := batchMeans(total, batches)
		GinkgoWriter.Printf("M/M/1/11: mean sojourn %v, 99%% CI [%.2f, %.2f] ms\n", sojourn, lo*1e3, hi*1e3)
		Expect(sojourn.Seconds()).To(BeNumerically(">=", lo), "M/M/1/K mean sojourn")
		Expect(sojourn.Seconds()).To(BeNumerically("<=", hi), "M/M/1/K mean sojourn")
	})
})
