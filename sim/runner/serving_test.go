package runner_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

// observed is what a run showed beyond its results: every request's record
// and every snapshot the data plane synced to, in virtual time.
type observed struct {
	mu        sync.Mutex
	start     time.Time
	records   []telemetry.Record
	snapshots []snapshotAt
}

type snapshotAt struct {
	at   time.Duration // since the start
	snap *topology.Serving
}

// observe runs an inline scenario on the envtest control plane and records
// what its data plane saw.
func observe(ctx context.Context, yaml string) (*results.Results, *observed) {
	sc, err := scenario.Parse("inline.yaml", []byte(yaml), "testdata")
	Expect(err).NotTo(HaveOccurred())
	sc.Metadata.ControlPlane = scenario.Envtest
	o := &observed{}
	res, err := runner.Run(ctx, sc, runner.Options{
		OnRequest: func(r telemetry.Record) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.records = append(o.records, r)
		},
		OnSync: func(now time.Time, s *topology.Serving) {
			o.mu.Lock()
			defer o.mu.Unlock()
			if o.start.IsZero() {
				o.start = now
			}
			o.snapshots = append(o.snapshots, snapshotAt{at: now.Sub(o.start), snap: s})
		},
	})
	Expect(err).NotTo(HaveOccurred())
	return res, o
}

// maxOverlap is the largest number of [from, to) intervals open at once.
func maxOverlap(spans [][2]time.Time) int {
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, s := range spans {
		edges = append(edges, edge{s[0], 1}, edge{s[1], -1})
	}
	// An interval ending when another starts does not overlap it.
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta
	})
	open, most := 0, 0
	for _, e := range edges {
		open += e.delta
		most = max(most, open)
	}
	return most
}

// binomialInterval is the central interval [lo, hi] holding at least conf
// of Binomial(n, p): lo the largest k with P(X < k) <= (1-conf)/2, hi the
// smallest with P(X > hi) <= (1-conf)/2.
func binomialInterval(n int, p, conf float64) (int, int) {
	tail := (1 - conf) / 2
	pmf := func(k int) float64 {
		lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
		return math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	lo, below := 0, 0.0
	for below+pmf(lo) <= tail {
		below += pmf(lo)
		lo++
	}
	hi, above := n, 0.0
	for above+pmf(hi) <= tail {
		above += pmf(hi)
		hi--
	}
	return lo, hi
}

// hpaService is an HPA-class Service scaling on CPU at a 50% target, its
// pods requesting 500m; its revision is cpu-1.
const hpaService = `
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: cpu, namespace: default}
      spec:
        template:
          metadata:
            name: cpu-1
            annotations:
              autoscaling.knative.dev/class: hpa.autoscaling.knative.dev
              autoscaling.knative.dev/metric: cpu
              autoscaling.knative.dev/target: "50"
          spec:
            containers:
              - image: example.com/cpu
                resources: {requests: {cpu: 500m}}
`

const pods = `
cluster:
  pods: {imagePull: 1s, cachedImagePull: 1s, containerStart: 500ms, readiness: 200ms}
`

var _ = Describe("the serving data plane on envtest in virtual time", func() {
	It("scales an HPA-class revision on its pods' CPU use and back to min-scale when idle", func(ctx SpecContext) {
		// 40 rps of 100 ms requests at 200m each: 800m of CPU. One pod
		// requests 500m, so it runs at 160% against a 50% target: the HPA
		// asks for ceil(1 x 160/50) = 4 pods, which then run at 40% (within
		// reach of ceil(4 x 0.8) = 4). The KPA would keep one pod for a
		// concurrency of 4.
		res, o := observe(ctx, `
metadata: {name: hpa, seed: 1, duration: 10m}
`+pods+`
workloads:
  cpu: {serviceTime: 100ms, cpuPerRequest: 200m}
`+hpaService+`traffic:
  - {name: heavy, host: cpu.default.example.com, start: 10s, rate: {rps: 40, for: 2m, arrivals: even}}
`)
		Expect(res.Requests.Errors).To(BeZero())
		Expect(res.Requests.Total).To(BeNumerically(">=", 4790))
		Expect(sample(res, "cpu-1", 5).Ready).To(BeNumerically("==", 1), "min-scale 1 before the load")
		// The first sync that sees the load (15 s periods) asks for 4.
		Expect(sample(res, "cpu-1", 45).Desired).To(BeNumerically("==", 4))
		Expect(sample(res, "cpu-1", 120).Ready).To(BeNumerically("==", 4))
		Expect(res.Pods.MaxReady).To(BeNumerically("==", 4))
		// Idle from 2m10s: the scale-down waits out the 5-minute
		// stabilisation window after the last busy recommendation.
		Expect(sample(res, "cpu-1", 400).Ready).To(BeNumerically("==", 4))
		Expect(sample(res, "cpu-1", 599).Ready).To(BeNumerically("==", 1))
		// Requests were served straight by the pods, never buffered.
		for _, r := range o.records {
			Expect(r.Path).To(Equal(telemetry.PathDirect))
		}
	})

	It("splits traffic 90/10 within the 99% binomial interval over 10k requests", func(ctx SpecContext) {
		res, o := observe(ctx, `
metadata: {name: split, seed: 7, duration: 75s}
`+pods+`
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: split, namespace: default}
      spec:
        template:
          metadata: {name: split-1}
          spec:
            containers: [{image: example.com/split}]
actions:
  - at: 5s
    apply:
      inline: |
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: split, namespace: default}
        spec:
          template:
            metadata: {name: split-2}
            spec:
              containers: [{image: example.com/split, env: [{name: V, value: "2"}]}]
          traffic:
            - {revisionName: split-1, percent: 90}
            - {revisionName: split-2, percent: 10}
traffic:
  - {name: load, host: split.default.example.com, start: 20s, rate: {rps: 200, for: 50s, arrivals: even}}
`)
		Expect(res.Requests.Errors).To(BeZero())
		counts := map[string]int{}
		for _, r := range o.records {
			counts[r.Revision]++
		}
		n := counts["split-1"] + counts["split-2"]
		Expect(n).To(Equal(10000))
		lo, hi := binomialInterval(n, 0.1, 0.99)
		Expect([]int{lo, hi}).To(Equal([]int{923, 1078}), "checked independently: P(X < 923) = 0.0045, P(X > 1078) = 0.0048")
		Expect(counts["split-2"]).To(And(BeNumerically(">=", lo), BeNumerically("<=", hi)), "split-2 of %d", n)
	})

	It("never lets more than one request into a pod's container with containerConcurrency 1, five in all", func(ctx SpecContext) {
		res, o := observe(ctx, `
metadata: {name: cc1, seed: 1, duration: 45s}
`+pods+`
workloads:
  cc1: {serviceTime: 100ms}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: cc1, namespace: default}
      spec:
        template:
          metadata:
            name: cc1-1
            annotations: {autoscaling.knative.dev/min-scale: "5", autoscaling.knative.dev/max-scale: "5"}
          spec:
            containerConcurrency: 1
            containers: [{image: example.com/cc1}]
traffic:
  - {name: hey, host: cc1.default.example.com, start: 10s, hey: {c: 20, z: 30s}}
`)
		Expect(res.Requests.Errors).To(BeZero())
		byPod := map[string][][2]time.Time{}
		var all [][2]time.Time
		for _, r := range o.records {
			Expect(r.AppStart.IsZero()).To(BeFalse())
			span := [2]time.Time{r.AppStart, r.AppEnd}
			byPod[r.Pod] = append(byPod[r.Pod], span)
			all = append(all, span)
		}
		Expect(byPod).To(HaveLen(5))
		for pod, spans := range byPod {
			Expect(maxOverlap(spans)).To(Equal(1), "pod %s", pod)
		}
		// 20 workers keep all five busy: exactly five at once at the peak.
		Expect(maxOverlap(all)).To(Equal(5))
		// Five pods of 100 ms for 30 s: at most 1500 requests, plus the five
		// in service when hey stops sending.
		Expect(res.Requests.Total).To(And(BeNumerically(">", 1400), BeNumerically("<=", 1505)))
	})

	It("rolls a new revision out in steps 1 -> 26 -> 51 -> 76 -> 100 over the rollout duration", func(ctx SpecContext) {
		svc := func(rev, indent string) string {
			return strings.ReplaceAll(`
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: canary
  namespace: default
  annotations: {serving.knative.dev/rollout-duration: "80s"}
spec:
  template:
    metadata: {name: `+rev+`}
    spec:
      containers: [{image: example.com/canary, env: [{name: REV, value: `+rev+`}]}]`, "\n", "\n"+indent)
		}
		res, o := observe(ctx, `
metadata: {name: rollout, seed: 1, duration: 150s}
`+pods+`
manifests:
  - inline: |`+svc("canary-1", "      ")+`
actions:
  - at: 30s
    apply:
      inline: |`+svc("canary-2", "        ")+`
traffic:
  - {name: steady, host: canary.default.example.com, start: 10s, rate: {rps: 50, arrivals: even}}
`)
		Expect(res.Requests.Errors).To(BeZero())
		// The new revision's percent on the Route, each time it changes.
		type step struct {
			at      time.Duration
			percent int64
		}
		var steps []step
		for _, s := range o.snapshots {
			for _, rt := range s.snap.Routes {
				if rt.Name != "canary" {
					continue
				}
				p := int64(-1)
				for _, t := range rt.Status.Traffic {
					if t.RevisionName == "canary-2" {
						p = ptr.Deref(t.Percent, 0)
					}
				}
				if p >= 0 && (len(steps) == 0 || steps[len(steps)-1].percent != p) {
					steps = append(steps, step{s.at, p})
				}
			}
		}
		var percents []int64
		for _, s := range steps {
			percents = append(percents, s.percent)
		}
		Expect(percents).To(Equal([]int64{1, 26, 51, 76, 100}), "steps %v", steps)
		// Four equal steps over 80 s: 20 s apart.
		for i := 2; i < len(steps); i++ {
			Expect(steps[i].at-steps[i-1].at).To(BeNumerically("~", 20*time.Second, time.Second), "steps %v", steps)
		}
		// The requests followed: canary-2 took about its share while at 26%.
		from, to := steps[1].at, steps[2].at
		var mid, newer int
		for _, r := range o.records {
			if at := r.Start.Sub(o.start); at >= from+time.Second && at < to {
				mid++
				if r.Revision == "canary-2" {
					newer++
				}
			}
		}
		lo, hi := binomialInterval(mid, 0.26, 0.99)
		Expect(newer).To(And(BeNumerically(">=", lo), BeNumerically("<=", hi)), "canary-2 took %d of %d", newer, mid)
	})

	It("serves the first request from the reserve instance without a cold start, then terminates it after the handover", func(ctx SpecContext) {
		res, o := observe(ctx, `
metadata: {name: reserve, seed: 1, duration: 4m}
cluster:
  pods: {imagePull: 2s, cachedImagePull: 2s, containerStart: 1s, readiness: 500ms}
workloads:
  coffee: {serviceTime: 50ms}
manifests:
  - file: coffee.yaml
traffic:
  - {name: first-cup, host: coffee.default.example.com, start: 3m, rate: {rps: 2, for: 30s, arrivals: even}}
`)
		Expect(res.Requests.OK).To(Equal(60))
		Expect(res.ColdStarts.Count).To(BeZero())
		rec := o.records
		slices.SortFunc(rec, func(a, b telemetry.Record) int { return a.Start.Compare(b.Start) })
		first := rec[0]
		Expect(first.ColdStart).To(BeFalse())
		Expect(first.Pod).To(ContainSubstring("-reserve"), "the first request goes to the reserve pod")
		// Three hops each way of 500 µs and the 50 ms service time.
		Expect(first.Latency()).To(BeNumerically("<", 60*time.Millisecond))
		// Once a standard pod is ready, requests go to it...
		last := rec[len(rec)-1]
		Expect(last.Pod).NotTo(ContainSubstring("-reserve"))
		// ...and the reserve pod leaves the revision's endpoints for good.
		key := types.NamespacedName{Namespace: "default", Name: first.Revision}
		reserveGone := time.Duration(-1)
		for _, s := range o.snapshots {
			ready := s.snap.Revisions[key].ReadyPods
			has := slices.ContainsFunc(ready, func(p string) bool { return strings.Contains(p, "-reserve") })
			switch {
			case s.at < 3*time.Minute:
			case !has && reserveGone < 0 && len(ready) > 0:
				reserveGone = s.at
			case has && reserveGone >= 0 && s.at < 3*time.Minute+30*time.Second:
				Fail("the reserve pod came back during the burst")
			}
		}
		Expect(reserveGone).To(BeNumerically(">", 3*time.Minute), "the reserve pod left after the first request")
		Expect(reserveGone).To(BeNumerically("<", 3*time.Minute+10*time.Second))
	})

	It("keeps the activator in the path of every request with target-burst-capacity -1, and not with 0", func(ctx SpecContext) {
		svc := func(name, tbc string) string {
			return `
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: ` + name + `, namespace: default}
      spec:
        template:
          metadata:
            annotations: {autoscaling.knative.dev/target-burst-capacity: "` + tbc + `"}
          spec:
            containers: [{image: example.com/tbc}]`
		}
		res, o := observe(ctx, `
metadata: {name: tbc, seed: 1, duration: 60s}
`+pods+`
manifests:`+svc("always", "-1")+svc("never", "0")+`
traffic:
  - {name: always, host: always.default.example.com, start: 10s, rate: {rps: 20}}
  - {name: never, host: never.default.example.com, start: 10s, rate: {rps: 20}}
`)
		Expect(res.Requests.Errors).To(BeZero())
		paths := map[string]map[telemetry.Path]int{"always": {}, "never": {}}
		for _, r := range o.records {
			paths[r.Service][r.Path]++
		}
		Expect(paths["always"][telemetry.PathActivator]).To(BeNumerically(">", 900))
		Expect(paths["always"][telemetry.PathDirect]).To(BeZero())
		// TBC 0 takes the activator out once the pod is up.
		Expect(paths["never"][telemetry.PathDirect]).To(BeNumerically(">", 900))
	})
})
