package runner_test

import (
	"fmt"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
)

// keepAlive is a revision of the fixed keep-alive class with a 1-minute
// keep-alive, its initial pod up at 3.5 s, requests of 5 s; two concurrent requests at 50 s
// (the initial pod takes one, a new pod cold-starts for the other) and one
// at 150 s, when every pod has expired.
const keepAlive = `
metadata: {name: keepalive, seed: 1, duration: 4m}
cluster:
  pods: {imagePull: 2s, cachedImagePull: 2s, containerStart: 1s, readiness: 500ms}
workloads:
  ka: {serviceTime: 5s}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: ka, namespace: default}
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/class: keepalive.autoscaling.knsim.dev
              autoscaling.knsim.dev/keep-alive: 1m
          spec:
            containers: [{image: example.com/ka}]
traffic:
  - {name: pair, host: ka.default.example.com, start: 50s, hey: {n: 2, c: 2}}
  - {name: late, host: ka.default.example.com, start: 150s, hey: {n: 1, c: 1}}
`

var _ = Describe("the keep-alive policy in virtual time", func() {
	DescribeTable("cold-starts an instance per request that finds none idle and removes exactly the instances idle for the keep-alive",
		func(ctx SpecContext, plane scenario.ControlPlane) {
			sc, err := scenario.Parse("inline.yaml", []byte(keepAlive), "testdata")
			Expect(err).NotTo(HaveOccurred())
			var (
				mu      sync.Mutex
				records []telemetry.Record
				created []string
				stages  = map[string]map[cluster.Stage]time.Time{}
			)
			res, err := runner.Run(ctx, sc, runner.Options{
				ControlPlane: plane,
				OnRequest: func(r telemetry.Record) {
					mu.Lock()
					defer mu.Unlock()
					records = append(records, r)
				},
				OnPodEvent: func(e cluster.PodEvent) {
					mu.Lock()
					defer mu.Unlock()
					if stages[e.Pod] == nil {
						stages[e.Pod] = map[cluster.Stage]time.Time{}
						created = append(created, e.Pod)
					}
					if _, seen := stages[e.Pod][e.Stage]; !seen {
						stages[e.Pod][e.Stage] = e.Time
					}
				},
			})
			Expect(err).NotTo(HaveOccurred())
			mu.Lock()
			defer mu.Unlock()

			// Three instances in all: the initial one and two cold starts.
			Expect(created).To(HaveLen(3), "pods created: %v", created)
			initial, second, third := created[0], created[1], created[2]
			Expect(res.Pods.Max).To(BeNumerically("==", 2))

			slices.SortFunc(records, func(a, b telemetry.Record) int { return a.Start.Compare(b.Start) })
			Expect(records).To(HaveLen(3))
			for _, r := range records {
				Expect(r.Status).To(Equal(200))
			}
			pair := records[:2]
			slices.SortFunc(pair, func(a, b telemetry.Record) int { return a.End.Compare(b.End) })
			warm, cold, late := pair[0], pair[1], records[2]
			Expect(warm.Pod).To(Equal(initial), "the first of the pair takes the idle initial instance")
			Expect(warm.AppStart.Sub(warm.Start)).To(BeNumerically("<", 100*time.Millisecond))
			Expect(cold.Pod).To(Equal(second), "the second of the pair gets a new instance (the first is busy for 5 s)")
			Expect(cold.AppStart.Sub(cold.Start)).To(BeNumerically(">=", 3500*time.Millisecond), "it waits for the 3.5 s start-up")
			Expect(warm.ColdStart).To(BeFalse(), "the first of the pair found an idle instance")
			Expect(cold.ColdStart).To(BeTrue(), "the second found none idle and started one: a cold start although the initial instance was up")
			Expect(late.Pod).To(Equal(third))
			Expect(late.ColdStart).To(BeTrue(), "every instance has expired by 150 s")

			// Each instance goes once idle for the keep-alive after its last
			// request (within a decision tick and a reconcile), not before.
			lastEnd := map[string]time.Time{initial: warm.AppEnd, second: cold.AppEnd, third: late.AppEnd}
			for _, pod := range created {
				gone, ok := stages[pod][cluster.StageTerminating]
				Expect(ok).To(BeTrue(), "pod %s was never removed", pod)
				idle := gone.Sub(lastEnd[pod])
				Expect(idle).To(BeNumerically(">=", time.Minute), "pod %s removed after %v idle", pod, idle)
				Expect(idle).To(BeNumerically("<", time.Minute+2*time.Second), "pod %s removed after %v idle", pod, idle)
			}
			// The initial instance expired first though it is the oldest:
			// the ReplicaSet's default (newest first) would have taken the
			// second; its pod-deletion-cost made the difference.
			Expect(stages[initial][cluster.StageTerminating]).To(BeTemporally("<", stages[second][cluster.StageTerminating]))
		},
		Entry("memory control plane", scenario.Memory),
		Entry("envtest control plane", scenario.Envtest),
	)
})

// hybridPeriodic is a revision of the hybrid histogram class with a
// 1-minute fallback keep-alive and a 1 s request every 3 minutes, from 3m
// to 42m: idle times of 2m59s, all in bin 2.
func hybridPeriodic() string {
	y := `
metadata: {name: hybrid, seed: 1, duration: 43m, controlPlane: memory}
cluster:
  pods: {imagePull: 2s, cachedImagePull: 2s, containerStart: 1s, readiness: 500ms}
workloads:
  hy: {serviceTime: 1s}
manifests:
  - inline: |
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: {name: hy, namespace: default}
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/class: hybrid.autoscaling.knsim.dev
              autoscaling.knsim.dev/keep-alive: 1m
          spec:
            containers: [{image: example.com/hy}]
traffic:
`
	for i := 1; i <= 14; i++ {
		y += fmt.Sprintf("  - {name: r%d, host: hy.default.example.com, start: %dm, hey: {n: 1, c: 1}}\n", i, 3*i)
	}
	return y
}

var _ = Describe("the hybrid histogram policy in virtual time", func() {
	It("cold-starts until ten idle times make a pattern, then pre-warms an instance before each request", func(ctx SpecContext) {
		sc, err := scenario.Parse("inline.yaml", []byte(hybridPeriodic()), "testdata")
		Expect(err).NotTo(HaveOccurred())
		var (
			mu      sync.Mutex
			records []telemetry.Record
			created = map[string]time.Time{}
		)
		_, err = runner.Run(ctx, sc, runner.Options{
			OnRequest: func(r telemetry.Record) {
				mu.Lock()
				defer mu.Unlock()
				records = append(records, r)
			},
			OnPodEvent: func(e cluster.PodEvent) {
				mu.Lock()
				defer mu.Unlock()
				if e.Stage == cluster.StageCreated {
					created[e.Pod] = e.Time
				}
			},
		})
		Expect(err).NotTo(HaveOccurred())
		mu.Lock()
		defer mu.Unlock()
		slices.SortFunc(records, func(a, b telemetry.Record) int { return a.Start.Compare(b.Start) })
		Expect(records).To(HaveLen(14))
		var cold []bool
		for _, r := range records {
			Expect(r.Status).To(Equal(200))
			cold = append(cold, r.ColdStart)
		}
		// The 1-minute fallback keep-alive cannot bridge 3-minute gaps: the
		// first 11 requests start cold. The 11th adds the 10th idle time,
		// and from then on the instance is removed after each request and
		// started again 1m48s later (head 2m less 10 %), before the next.
		Expect(cold).To(Equal(append(slices.Repeat([]bool{true}, 11), false, false, false)))
		for i := 11; i < 14; i++ {
			prev, r := records[i-1], records[i]
			pod := created[r.Pod]
			Expect(pod.Sub(prev.AppEnd)).To(BeNumerically("~", time.Minute+48*time.Second, 1100*time.Millisecond),
				"request %d's instance was pre-warmed 1m48s after the previous request", i+1)
		}
	})
})
