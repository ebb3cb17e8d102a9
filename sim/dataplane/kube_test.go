package dataplane

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	"github.com/knsim/knsim/sim/engine"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

var kubeKey = types.NamespacedName{Namespace: "default", Name: "deployment"}

// kubeHarness runs a plane with the Knative Service hello and the plain
// Service default/deployment with the given Ready pods; ws are the
// workloads by "namespace/service".
func kubeHarness(t *testing.T, pods []string, ws map[string]container.Workload, seed uint64) *harness {
	t.Helper()
	eng, err := engine.New(engine.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{eng: eng, m: &fakeMetrics{start: eng.Now()}}
	h.p, err = New(Config{Engine: eng, Hop: time.Millisecond, Metrics: h.m, Workloads: ws,
		DefaultWorkload: container.Workload{ServiceTime: constant(10 * time.Millisecond)},
		OnRequest:       func(r telemetry.Record) { h.records = append(h.records, r) }})
	if err != nil {
		t.Fatal(err)
	}
	h.syncKube(pods)
	return h
}

func (h *harness) syncKube(pods []string) {
	h.p.Sync(h.eng.Now(), &topology.Serving{
		Routes:       []*servingv1.Route{route()},
		Revisions:    map[types.NamespacedName]topology.RevisionInfo{revKey: {Service: "hello", Timeout: 300 * time.Second, ReadyPods: []string{"hello-a"}}},
		KubeServices: map[types.NamespacedName]topology.KubeService{kubeKey: {ReadyPods: pods}},
	})
}

// A request to a plain Service's cluster-DNS name goes through kube-proxy:
// one hop to a Ready pod's container, no queue-proxy or activator, one hop
// back; Knative hosts still route through the gateway, and other hosts are
// not found.
func TestKubeProxyPath(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // engine.New's default start
	kube := func(host string) telemetry.Record {
		return telemetry.Record{Start: start, End: start.Add(52 * time.Millisecond), Host: host, Namespace: "default", Service: "deployment",
			Pod: "deployment-a", Status: http.StatusOK, Path: PathKubeProxy, AppStart: start.Add(time.Millisecond), AppEnd: start.Add(51 * time.Millisecond)}
	}
	ws := map[string]container.Workload{"default/deployment": {ServiceTime: constant(50 * time.Millisecond)}}
	for _, tc := range []struct {
		name string
		host string
		pods []string
		want telemetry.Record
	}{
		{name: "full cluster-DNS name", host: "deployment.default.svc.cluster.local", pods: []string{"deployment-a"}, want: kube("deployment.default.svc.cluster.local")},
		{name: "svc form, port and trailing dot", host: "Deployment.default.svc.:80", pods: []string{"deployment-a"}, want: kube("Deployment.default.svc.:80")},
		{name: "name.namespace", host: "deployment.default", pods: []string{"deployment-a"}, want: kube("deployment.default")},
		{name: "no Ready pod: refused", host: "deployment.default.svc.cluster.local", want: telemetry.Record{Start: start, End: start.Add(time.Millisecond),
			Host: "deployment.default.svc.cluster.local", Namespace: "default", Service: "deployment", Status: http.StatusServiceUnavailable, Path: PathKubeProxy}},
		{name: "other namespace: not found", host: "deployment.other.svc.cluster.local", pods: []string{"deployment-a"}, want: telemetry.Record{Start: start, End: start.Add(time.Millisecond),
			Host: "deployment.other.svc.cluster.local", Status: http.StatusNotFound, Path: telemetry.PathGateway}},
		{name: "a Knative host still goes through the gateway", host: "hello.default.example.com", pods: []string{"deployment-a"}, want: telemetry.Record{Start: start, End: start.Add(13 * time.Millisecond),
			Host: "hello.default.example.com", Namespace: "default", Service: "hello", Revision: "hello-1", Pod: "hello-a", Status: http.StatusOK, Path: telemetry.PathDirect,
			AppStart: start.Add(time.Millisecond), AppEnd: start.Add(11 * time.Millisecond)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := kubeHarness(t, tc.pods, ws, 1)
			if h.eng.Start() != start {
				t.Fatalf("engine start %v, want %v", h.eng.Start(), start)
			}
			h.send(0, tc.host)
			h.eng.RunUntil(h.eng.Start().Add(time.Second))
			if diff := cmp.Diff([]telemetry.Record{tc.want}, h.records); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// kube-proxy spreads requests over the Ready pods at random, each pod's
// container takes every request at once (no containerConcurrency), a pod
// that leaves the endpoints finishes what it holds and gets no more, and
// the same seed gives the same spread.
func TestKubeProxySpread(t *testing.T) {
	run := func(seed uint64) (map[string]int, []telemetry.Record) {
		h := kubeHarness(t, []string{"d-a", "d-b", "d-c"}, nil, seed)
		const n = 300
		for i := range n {
			h.send(time.Duration(i)*time.Millisecond/10, "deployment.default.svc.cluster.local")
		}
		// d-c leaves while it holds requests.
		h.eng.Schedule(h.eng.Start().Add(20*time.Millisecond), func(now time.Time) { h.syncKube([]string{"d-a", "d-b"}) })
		h.eng.RunUntil(h.eng.Start().Add(time.Second))
		if got := h.p.InFlight(); got != 0 {
			t.Errorf("in flight after the run: %d", got)
		}
		by := map[string]int{}
		for _, r := range h.records {
			if r.Status != http.StatusOK || r.Latency() != 12*time.Millisecond {
				t.Fatalf("record %+v: want 200 in 12ms (two hops and 10ms, none waiting)", r)
			}
			if r.Pod == "d-c" && r.Start.Sub(h.eng.Start()) > 20*time.Millisecond {
				t.Errorf("d-c got a request sent at %v, after it left", r.Start.Sub(h.eng.Start()))
			}
			by[r.Pod]++
		}
		if len(h.records) != n {
			t.Errorf("%d records, want %d", len(h.records), n)
		}
		return by, h.records
	}
	by, recs := run(7)
	for _, p := range []string{"d-a", "d-b"} {
		// 200 arrive before d-c leaves, 100 after: about 117 each, binomial sd about 8.
		if by[p] < 90 || by[p] > 145 {
			t.Errorf("%s served %d of 300: want an even random spread (%v)", p, by[p], by)
		}
	}
	if by["d-c"] < 45 || by["d-c"] > 90 {
		t.Errorf("d-c served %d, want about a third of the first 200 (%v)", by["d-c"], by)
	}
	_, again := run(7)
	if diff := cmp.Diff(recs, again); diff != "" {
		t.Errorf("same seed, other records (-first +second):\n%s", diff)
	}
	// A Service deleted is not found any more.
	h := kubeHarness(t, []string{"d-a"}, nil, 1)
	h.p.Sync(h.eng.Now(), &topology.Serving{Routes: []*servingv1.Route{route()}})
	h.send(0, "deployment.default.svc.cluster.local")
	h.eng.RunUntil(h.eng.Start().Add(time.Second))
	if len(h.records) != 1 || h.records[0].Status != http.StatusNotFound {
		t.Errorf("after the Service's deletion: %+v, want one 404", h.records)
	}
	other, _ := run(8)
	if fmt.Sprint(other) == fmt.Sprint(by) {
		t.Errorf("seeds 7 and 8 spread the same way %v: the pick is not seeded", by)
	}
}
