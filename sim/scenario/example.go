package scenario

import (
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
)

// ExampleManifest is the Knative Service of Example: helloworld-go, as in
// Knative's docs, scaling on a concurrency target of 10.
const ExampleManifest = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: helloworld-go
  namespace: default
spec:
  template:
    metadata:
      name: helloworld-go-1
      annotations:
        autoscaling.knative.dev/target: "10"
    spec:
      containers:
        - image: gcr.io/knative-samples/helloworld-go
          env:
            - name: TARGET
              value: "Go Sample v1"
`

// ExampleRevision2 is the second revision Example applies during the run.
const ExampleRevision2 = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: helloworld-go
  namespace: default
spec:
  template:
    metadata:
      name: helloworld-go-2
      annotations:
        autoscaling.knative.dev/target: "10"
    spec:
      containers:
        - image: gcr.io/knative-samples/helloworld-go
          env:
            - name: TARGET
              value: "Go Sample v2"
  traffic:
    - revisionName: helloworld-go-1
      percent: 100
    - revisionName: helloworld-go-2
      percent: 0
      tag: candidate
`

// Example is a complete scenario, as Parse returns it for
// testdata/good/example.yaml (before defaults and with Objects unset): a
// burst from zero on helloworld-go, a steady open-loop rate, a canary
// rollout, a failing node, and expectations on pods, latency, cold starts
// and cost. Its manifests are inline, so it needs no files.
func Example() *Scenario {
	pct := func(p int64) *int64 { return &p }
	return &Scenario{
		Metadata: Metadata{
			Name:        "example",
			Description: "A burst from zero, a steady rate, a canary rollout and a node failure.",
			Seed:        7,
			Duration:    Duration(5 * time.Minute),
			Labels:      []string{"example", "autoscaling"},
		},
		Cluster: Cluster{
			Nodes: []NodePool{{Name: "worker", Count: 3, CPU: resource.MustParse("4"), Memory: resource.MustParse("16Gi")}},
			Pods: PodStages{
				ImagePull:      distribution.LogNormalDuration(0.5, 0.4),
				ContainerStart: distribution.UniformDuration(200*time.Millisecond, 800*time.Millisecond),
				Readiness:      distribution.ConstantDuration(200 * time.Millisecond),
			},
		},
		Workloads: map[string]Workload{
			"helloworld-go": {
				ServiceTime:    distribution.LogNormalDuration(-3, 0.5),
				ColdStartExtra: distribution.ExponentialDuration(150 * time.Millisecond),
				MaxInFlight:    50,
				CPUPerRequest:  resource.MustParse("100m"),
				MemoryBase:     resource.MustParse("64Mi"),
			},
		},
		Manifests: []Manifest{{Inline: ExampleManifest}},
		Traffic: []Traffic{
			{Name: "burst", Host: "helloworld-go.default.example.com", Start: Duration(10 * time.Second),
				Hey: &Hey{N: 2000, C: 50}},
			{Name: "steady", Host: "helloworld-go.default.example.com", Start: Duration(time.Minute),
				Rate: &Rate{Shape: ConstantRate, RPS: 20}},
		},
		Actions: []Action{
			{At: Duration(2 * time.Minute), Apply: &Manifest{Inline: ExampleRevision2}},
			{At: Duration(3 * time.Minute), PatchTraffic: &PatchTraffic{Service: "helloworld-go", Traffic: []servingv1.TrafficTarget{
				{RevisionName: "helloworld-go-1", Percent: pct(90)},
				{RevisionName: "helloworld-go-2", Percent: pct(10), Tag: "candidate"},
			}}},
			{At: Duration(4 * time.Minute), KillNode: &NodeRef{Node: "worker-2"}},
		},
		Prices: Prices{VCPUSecond: 0.000024, GiBSecond: 0.0000025, Request: 0.0000004},
		Expect: []string{
			"pods.max <= 12",
			"latency.p99 < 2s",
			"requests.errors == 0",
			"coldstarts.count == 1",
			"at(1m).pods.ready >= 1",
			"service(helloworld-go).pods.max <= 12",
			"cost.total < 1.50",
		},
	}
}
