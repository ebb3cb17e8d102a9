package chrometrace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/cluster"
	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
)

// file is a trace as Perfetto reads it.
type file struct {
	TraceEvents []struct {
		Name string         `json:"name"`
		Ph   string         `json:"ph"`
		Ts   int64          `json:"ts"`
		Dur  *int64         `json:"dur"`
		Pid  int            `json:"pid"`
		Tid  int            `json:"tid"`
		Args map[string]any `json:"args"`
	} `json:"traceEvents"`
}

// count counts the events of each phase and name ("X request", "i Ready").
func count(t *testing.T, b []byte) map[string]int {
	t.Helper()
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("the trace is not JSON: %v", err)
	}
	out := map[string]int{}
	for _, e := range f.TraceEvents {
		if e.Ph == "X" && e.Dur == nil {
			t.Errorf("complete event %s without dur", e.Name)
		}
		out[e.Ph+" "+e.Name]++
	}
	return out
}

func TestNewRate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rate    float64
		wantErr bool
	}{
		{name: "all", rate: 1}, {name: "some", rate: 0.01},
		{name: "none", rate: 0, wantErr: true}, {name: "above one", rate: 1.5, wantErr: true}, {name: "negative", rate: -1, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(engine.DefaultStart, 1, tc.rate); (err != nil) != tc.wantErr {
				t.Errorf("New(rate %g) = %v, want error %v", tc.rate, err, tc.wantErr)
			}
		})
	}
}

// TestStagesAndLanes: a request's stages nest in it, two requests at once
// on a pod take two lanes, and a pod's lifecycle lands on its first.
func TestStagesAndLanes(t *testing.T) {
	start := engine.DefaultStart
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	tr, err := New(start, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr.OnPodEvent(cluster.PodEvent{Time: at(0), Namespace: "default", Pod: "hello-1-a", Deployment: "hello-1-deployment", Stage: cluster.StageReady})
	for _, r := range []telemetry.Record{
		{Start: at(10), End: at(40), AppStart: at(20), AppEnd: at(35), Namespace: "default", Revision: "hello-1", Pod: "hello-1-a", Status: 200, Path: telemetry.PathActivator},
		{Start: at(15), End: at(30), AppStart: at(15), AppEnd: at(29), Namespace: "default", Revision: "hello-1", Pod: "hello-1-a", Status: 200, Path: telemetry.PathDirect},
		{Start: at(50), End: at(51), Status: 404, Path: telemetry.PathGateway},
	} {
		tr.OnRequest(r)
	}
	var b bytes.Buffer
	if err := tr.Write(&b); err != nil {
		t.Fatal(err)
	}
	var f file
	if err := json.Unmarshal(b.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range f.TraceEvents {
		d := int64(-1)
		if e.Dur != nil {
			d = *e.Dur
		}
		name := e.Name
		if e.Ph == "M" {
			name += "=" + e.Args["name"].(string)
		}
		got = append(got, fmtEvent(e.Ph, name, e.Pid, e.Tid, e.Ts, d))
	}
	want := []string{
		"M process_name=default/hello-1 pid 1 tid 0 ts 0 dur -1",
		"M thread_name=hello-1-a pid 1 tid 1000 ts 0 dur -1",
		"M thread_name=hello-1-a #2 pid 1 tid 1001 ts 0 dur -1",
		"M process_name=gateway (no revision) pid 2 tid 0 ts 0 dur -1",
		"M thread_name=gateway pid 2 tid 1000 ts 0 dur -1",
		"i Ready pid 1 tid 1000 ts 0 dur -1",
		"X request pid 1 tid 1000 ts 10000 dur 30000",
		"X activator wait pid 1 tid 1000 ts 10000 dur 10000",
		"X service pid 1 tid 1000 ts 20000 dur 15000",
		"X request pid 1 tid 1001 ts 15000 dur 15000",
		"X service pid 1 tid 1001 ts 15000 dur 14000",
		"X request pid 2 tid 1000 ts 50000 dur 1000",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func fmtEvent(ph, name string, pid, tid int, ts, dur int64) string {
	return fmt.Sprintf("%s %s pid %d tid %d ts %d dur %d", ph, name, pid, tid, ts, dur)
}

// TestSampling: a rate keeps about that share, the same seed the same
// requests, another seed others.
func TestSampling(t *testing.T) {
	keep := func(seed uint64) []int {
		tr, err := New(engine.DefaultStart, seed, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 10000 {
			tr.OnRequest(telemetry.Record{Status: i})
		}
		var out []int
		for _, r := range tr.reqs {
			out = append(out, r.Status)
		}
		return out
	}
	a, b, c := keep(1), keep(1), keep(2)
	if len(a) < 900 || len(a) > 1100 {
		t.Errorf("kept %d of 10000 at 0.1", len(a))
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, other requests (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, c) {
		t.Error("seeds 1 and 2 kept the same requests")
	}
}

// TestRunTrace runs scale-from-zero at sample 1: one request event per
// request of the results, one instant per pod event, and the same bytes
// from a second run.
func TestRunTrace(t *testing.T) {
	run := func() ([]byte, int, int) {
		sc, err := scenario.Load(filepath.Join("..", "..", "scenarios", "scale-from-zero.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := New(engine.DefaultStart, sc.Metadata.Seed, 1)
		if err != nil {
			t.Fatal(err)
		}
		res, err := runner.Run(context.Background(), sc, runner.Options{ControlPlane: scenario.Memory, OnRequest: tr.OnRequest, OnPodEvent: tr.OnPodEvent})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := tr.Write(&b); err != nil {
			t.Fatal(err)
		}
		_, _, pods := tr.Counts()
		return b.Bytes(), res.Requests.Total, pods
	}
	first, total, pods := run()
	c := count(t, first)
	if total == 0 || pods == 0 {
		t.Fatalf("%d requests and %d pod events: nothing to trace", total, pods)
	}
	instants := 0
	for k, n := range c {
		if k[0] == 'i' {
			instants += n
		}
	}
	if diff := cmp.Diff([]int{total, pods}, []int{c["X request"], instants}); diff != "" {
		t.Errorf("request events and pod instants (-want +got):\n%s", diff)
	}
	second, _, _ := run()
	if !bytes.Equal(first, second) {
		t.Error("two runs of one scenario and seed wrote different traces")
	}
}
