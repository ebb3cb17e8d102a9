package scenario

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/knsim/knsim/sim/distribution"
)

func TestValidateInCode(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Scenario)
		want   []string
	}{
		{"example is valid", func(*Scenario) {}, nil},
		{"defaulted example is valid", func(s *Scenario) { s.Default() }, nil},
		{"hey c negative", func(s *Scenario) { s.Traffic[0].Hey.C = -3 },
			[]string{`traffic[0].hey.c: expected a positive integer, got "-3"`}},
		{"no name no duration", func(s *Scenario) { s.Metadata.Name, s.Metadata.Duration = "", 0 },
			[]string{"metadata.name: is required: a DNS-1123 label such as burst-scale-up",
				`metadata.duration: is required: how long the run lasts, e.g. "90s"`}},
		{"memory needs virtual", func(s *Scenario) { s.Metadata.Mode, s.Metadata.ControlPlane = Real, Memory },
			[]string{"metadata.controlPlane: the memory control plane runs only in virtual mode"}},
		{"expectation syntax", func(s *Scenario) { s.Expect = []string{"pods.max => 3"} },
			[]string{`expect[0]: 1:10: unknown operator "=>"; did you mean ">="?`}},
		{"expectation after the end", func(s *Scenario) { s.Expect = []string{"at(6m).pods.ready > 0"} },
			[]string{"expect[0]: at(6m).pods.ready reads the run at 6m, after its end (metadata.duration 5m)"}},
		{"two generators", func(s *Scenario) { s.Traffic[0].Rate = &Rate{RPS: 1} },
			[]string{"traffic[0]: expected one generator, got hey and rate; split them into separate traffic entries"}},
		{"no operation", func(s *Scenario) { s.Actions[2].KillNode = nil },
			[]string{"actions[2]: expected one of apply, patchTraffic, deletePod, cordonNode, killNode, failWorkload, slowWorkload, restartDispatcher, restartControlPlane"}},
		{"unknown node", func(s *Scenario) { s.Actions[2].KillNode.Node = "knsim-worker-1" },
			[]string{`actions[2].killNode.node: no node "knsim-worker-1" in the cluster (nodes: worker-1, worker-2, worker-3)`}},
		{"default pool nodes", func(s *Scenario) { s.Cluster.Nodes = nil; s.Actions[2].KillNode.Node = "knsim-worker-3" }, nil},
		{"distribution foreign field", func(s *Scenario) { s.Cluster.Pods.Readiness.Mean = Duration(time.Second) },
			[]string{"cluster.pods.readiness.mean: does not apply to the constant distribution (it takes value)"}},
		{"distribution without type", func(s *Scenario) { s.Cluster.Pods.Drain = distribution.Distribution{Value: 1} },
			[]string{"cluster.pods.drain.type: a distribution needs a type: one of constant, uniform, normal, lognormal, exponential, empirical"}},
		{"negative quantity", func(s *Scenario) {
			w := s.Workloads["helloworld-go"]
			w.MemoryBase = resource.MustParse("-1Mi")
			s.Workloads["helloworld-go"] = w
		}, []string{`workloads[helloworld-go].memoryBase: expected a quantity >= 0, got "-1Mi"`}},
		{"percent sum", func(s *Scenario) { *s.Actions[1].PatchTraffic.Traffic[0].Percent = 50 },
			[]string{"actions[1].patchTraffic.traffic: percents must add up to 100, got 60"}},
		{"rate shape fields", func(s *Scenario) { s.Traffic[1].Rate = &Rate{Shape: Diurnal, Mean: 5, Amplitude: 1, RPS: 3} },
			[]string{"traffic[1].rate.rps: does not apply to the diurnal shape (it takes mean, amplitude, period)"}},
		{"negative maxPods", func(s *Scenario) { s.Cluster.Nodes[0].MaxPods = -1 },
			[]string{`cluster.nodes[0].maxPods: expected a positive integer (default 110), got "-1"`}},
		{"maxPods set", func(s *Scenario) { s.Cluster.Nodes[0].MaxPods = 30 }, nil},
		{"negative hop", func(s *Scenario) { s.Cluster.Network.Hop = Duration(-time.Millisecond) },
			[]string{"cluster.network.hop: expected a positive duration, got -1ms"}},
		{"prices", func(s *Scenario) { s.Prices.Request = -1 },
			[]string{`prices.request: expected a price >= 0, got "-1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Example()
			tt.change(s)
			err := s.Validate()
			var got []string
			if err != nil {
				var list ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("error is %T, want ErrorList", err)
				}
				got = strings.Split(err.Error(), "\n")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveInCode(t *testing.T) {
	s := Example()
	s.Workloads["missing"] = Workload{}
	s.Manifests = append(s.Manifests, Manifest{File: "nowhere.yaml"})
	err := s.Resolve()
	want := []string{"manifests[1].file: cannot read nowhere.yaml: no such file or directory"}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("Resolve (-want +got):\n%s", diff)
	}
	s.Manifests = s.Manifests[:1]
	err = s.Resolve()
	want = []string{"workloads[missing]: no Knative Service default/missing in the manifests"}
	if err == nil {
		t.Fatal("Resolve accepted a workload of an unknown service")
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("Resolve (-want +got):\n%s", diff)
	}
}

func TestDefault(t *testing.T) {
	s, err := Parse("minimal.yaml", []byte(`
metadata: {name: m, duration: 1m}
manifests: [{inline: "{apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: hello}}"}]
workloads: {hello: {maxInFlight: 2}}
traffic:
  - {host: hello.default.example.com, hey: {}}
  - {host: hello.default.example.com, hey: {z: 10s}}
  - {host: hello.default.example.com, rate: {rps: 2}}
  - {host: hello.default.example.com, rate: {shape: diurnal, mean: 2, amplitude: 1}}
  - {host: hello.default.example.com, trace: {file: testdata/good/traces/azure-sample.csv}}
actions:
  - {at: 1s, deletePod: {service: hello}}
  - {at: 2s, failWorkload: {service: hello}}
`), ".")
	if err != nil {
		t.Fatal(err)
	}
	want := &Scenario{
		Metadata: Metadata{Name: "m", Duration: Duration(time.Minute), Seed: 1, Mode: Virtual, ControlPlane: Envtest},
		Cluster:  Cluster{Nodes: []NodePool{DefaultNodePool()}, Scheduling: Spread, Pods: DefaultPodStages()},
		Workloads: map[string]Workload{"hello": {MaxInFlight: 2,
			ServiceTime: distribution.ConstantDuration(100 * time.Millisecond), ColdStartExtra: distribution.ConstantDuration(0)}},
		Manifests: []Manifest{{Inline: "{apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: hello}}"}},
		Traffic: []Traffic{
			{Name: "hey-0", Host: "hello.default.example.com", Hey: &Hey{N: 200, C: 50}},
			{Name: "hey-1", Host: "hello.default.example.com", Hey: &Hey{C: 50, Z: Duration(10 * time.Second)}},
			{Name: "rate-2", Host: "hello.default.example.com", Rate: &Rate{Shape: ConstantRate, RPS: 2, Arrivals: Poisson}},
			{Name: "rate-3", Host: "hello.default.example.com", Rate: &Rate{Shape: Diurnal, Mean: 2, Amplitude: 1,
				Period: Duration(24 * time.Hour), Arrivals: Poisson}},
			{Name: "trace-4", Host: "hello.default.example.com", Trace: &Trace{File: "testdata/good/traces/azure-sample.csv",
				Spread: SpreadPoisson, Speedup: 1}},
		},
		Actions: []Action{
			{At: Duration(time.Second), DeletePod: &DeletePod{Service: "hello", Count: 1}},
			{At: Duration(2 * time.Second), FailWorkload: &FailWorkload{Service: "hello", ErrorRate: 1, Status: 500}},
		},
	}
	if diff := cmp.Diff(want, s, cmpScenario...); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if s.Manifests[0].Objects[0].GetName() != "hello" {
		t.Errorf("inline manifest not decoded")
	}
	if got := s.Workload("default/hello").MaxInFlight; got != 2 {
		t.Errorf("Workload(default/hello).MaxInFlight = %d, want 2", got)
	}
	if got := s.Workload("other"); !cmp.Equal(got, DefaultWorkload(), cmpScenario...) {
		t.Errorf("Workload(other) = %+v, want DefaultWorkload", got)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"full", &Error{File: "a.yaml", Line: 3, Column: 7, Path: "traffic[0].hey.c", Msg: "bad"}, "a.yaml:3:7: traffic[0].hey.c: bad"},
		{"no column", &Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{"no position", &Error{File: "a.yaml", Msg: "bad"}, "a.yaml: bad"},
		{"no file", &Error{Path: "metadata.name", Msg: "bad"}, "metadata.name: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	var list ErrorList
	for i := range MaxErrors + 3 {
		list = append(list, &Error{Line: MaxErrors + 3 - i, Msg: "x"})
	}
	list.sort()
	lines := strings.Split(list.Error(), "\n")
	if len(lines) != MaxErrors+1 || lines[MaxErrors] != "... and 3 more errors" {
		t.Errorf("truncation: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if list[0].Line != 1 {
		t.Errorf("sort: first line %d", list[0].Line)
	}
	var e *Error
	if !errors.As(error(list), &e) {
		t.Error("errors.As cannot find an *Error in an ErrorList")
	}
}

func TestSplitService(t *testing.T) {
	for in, want := range map[string][2]string{"hello": {"default", "hello"}, "ns/hello": {"ns", "hello"}} {
		ns, name := SplitService(in)
		if diff := cmp.Diff(want, [2]string{ns, name}); diff != "" {
			t.Errorf("SplitService(%q) (-want +got):\n%s", in, diff)
		}
	}
}
