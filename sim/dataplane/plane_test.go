package dataplane

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/knsim/knsim/sim/engine"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

type fakeMetrics struct {
	pokes   []time.Duration
	reports int
	start   time.Time
	cpu     [][]hpa.Usage // one entry per ReportCPU
}

func (f *fakeMetrics) ReportCPU(_ time.Time, _ types.NamespacedName, pods []hpa.Usage) {
	f.cpu = append(f.cpu, pods)
}

func (f *fakeMetrics) Report(_ time.Time, _ types.NamespacedName, pods []queue.Stat, _ queue.Stat) {
	f.reports += len(pods) + 1
}
func (f *fakeMetrics) Poke(now time.Time, _ types.NamespacedName) {
	f.pokes = append(f.pokes, now.Sub(f.start))
}

var revKey = types.NamespacedName{Namespace: "default", Name: "hello-1"}

func route() *servingv1.Route {
	return &servingv1.Route{
		ObjectMeta: metaNS("hello"),
		Status: servingv1.RouteStatus{RouteStatusFields: servingv1.RouteStatusFields{
			URL:     "http://hello.default.example.com",
			Traffic: []servingv1.TrafficTarget{{RevisionName: "hello-1", Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
		}},
	}
}

func constant(d time.Duration) container.Sampler { return func(*rand.Rand) time.Duration { return d } }

// harness runs a plane with one revision (hello-1) behind hello.default.example.com.
type harness struct {
	eng     *engine.Engine
	p       *Plane
	m       *fakeMetrics
	records []telemetry.Record
}

func newHarness(t *testing.T, cc int, pods []string, proxy bool, w container.Workload) *harness {
	t.Helper()
	eng, err := engine.New(engine.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{eng: eng, m: &fakeMetrics{start: eng.Now()}}
	h.p, err = New(Config{Engine: eng, Hop: time.Millisecond, Metrics: h.m, DefaultWorkload: w,
		OnRequest: func(r telemetry.Record) { h.records = append(h.records, r) }})
	if err != nil {
		t.Fatal(err)
	}
	h.sync(cc, pods, proxy)
	return h
}

func (h *harness) sync(cc int, pods []string, proxy bool) {
	h.p.Sync(h.eng.Now(), &topology.Serving{Routes: []*servingv1.Route{route()}, Revisions: map[types.NamespacedName]topology.RevisionInfo{
		revKey: {Service: "hello", ContainerConcurrency: cc, Timeout: 300 * time.Second, Proxy: proxy, ReadyPods: pods},
	}})
}

func (h *harness) send(at time.Duration, host string) {
	h.eng.Schedule(h.eng.Start().Add(at), func(now time.Time) { h.p.Send(now, host, nil) })
}

func TestDirectPath(t *testing.T) {
	h := newHarness(t, 0, []string{"pod-a"}, false, container.Workload{ServiceTime: constant(10 * time.Millisecond)})
	h.send(0, "hello.default.example.com")
	h.eng.RunUntil(h.eng.Start().Add(time.Second))
	want := []telemetry.Record{{Start: h.eng.Start(), End: h.eng.Start().Add(13 * time.Millisecond), Host: "hello.default.example.com",
		Namespace: "default", Service: "hello", Revision: "hello-1", Pod: "pod-a", Status: 200, Path: telemetry.PathDirect,
		AppStart: h.eng.Start().Add(time.Millisecond), AppEnd: h.eng.Start().Add(11 * time.Millisecond)}}
	if d := cmp.Diff(want, h.records); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
}

// Send's done gets the request's record, after OnRequest has seen it.
func TestSendHandsTheRecordToDone(t *testing.T) {
	h := newHarness(t, 0, []string{"pod-a"}, false, container.Workload{ServiceTime: constant(10 * time.Millisecond)})
	var got []telemetry.Record
	seen := 0
	for _, host := range []string{"hello.default.example.com", "nope.default.example.com"} {
		h.p.Send(h.eng.Now(), host, func(rec telemetry.Record) {
			seen = len(h.records)
			got = append(got, rec)
		})
	}
	h.eng.RunUntil(h.eng.Start().Add(time.Second))
	if d := cmp.Diff(h.records, got, cmpopts.SortSlices(func(a, b telemetry.Record) bool { return a.Host < b.Host })); d != "" {
		t.Errorf("done's records differ from OnRequest's (-OnRequest +done):\n%s", d)
	}
	if seen != len(h.records) {
		t.Errorf("OnRequest had seen %d records when the last done ran, want %d", seen, len(h.records))
	}
}

func TestUnknownHostIs404(t *testing.T) {
	h := newHarness(t, 0, []string{"pod-a"}, false, container.Workload{})
	h.send(0, "nope.default.example.com")
	h.eng.RunUntil(h.eng.Start().Add(time.Second))
	if len(h.records) != 1 || h.records[0].Status != 404 || h.records[0].Path != telemetry.PathGateway {
		t.Errorf("records = %+v, want one 404 at the gateway", h.records)
	}
}

func TestScaleFromZeroBuffersThenServes(t *testing.T) {
	h := newHarness(t, 0, nil, true, container.Workload{ServiceTime: constant(10 * time.Millisecond)})
	h.send(0, "hello.default.example.com")
	h.eng.RunUntil(h.eng.Start().Add(2 * time.Second))
	if len(h.records) != 0 {
		t.Fatalf("request finished without a pod: %+v", h.records)
	}
	if d := cmp.Diff([]time.Duration{time.Millisecond}, h.m.pokes); d != "" {
		t.Errorf("pokes (-want +got):\n%s", d)
	}
	h.sync(0, []string{"pod-a"}, true) // the pod became ready at 2 s
	h.eng.RunUntil(h.eng.Start().Add(3 * time.Second))
	if len(h.records) != 1 {
		t.Fatalf("got %d records, want 1", len(h.records))
	}
	r := h.records[0]
	if !r.ColdStart || r.Path != telemetry.PathActivator || r.Status != 200 {
		t.Errorf("record %+v, want a cold start served through the activator", r)
	}
	// 2 s buffered + hop to pod + 10 ms + 3 hops back to the client
	if got, want := r.Latency(), 2*time.Second+14*time.Millisecond; got != want {
		t.Errorf("latency %s, want %s", got, want)
	}
}

func TestContainerConcurrencyQueuesAtQueueProxy(t *testing.T) {
	h := newHarness(t, 1, []string{"pod-a"}, false, container.Workload{ServiceTime: constant(100 * time.Millisecond)})
	for i := 0; i < 3; i++ {
		h.send(0, "hello.default.example.com")
	}
	h.eng.RunUntil(h.eng.Start().Add(time.Second))
	var ends []time.Duration
	for _, r := range h.records {
		ends = append(ends, r.End.Sub(h.eng.Start()))
	}
	want := []time.Duration{103 * time.Millisecond, 203 * time.Millisecond, 303 * time.Millisecond}
	if d := cmp.Diff(want, ends); d != "" {
		t.Errorf("completion times (-want +got):\n%s", d)
	}
}

func TestBreakerOverflowIs503(t *testing.T) {
	// CC=1: one in flight plus a queue of 10; the twelfth is refused.
	h := newHarness(t, 1, []string{"pod-a"}, false, container.Workload{ServiceTime: constant(time.Second)})
	for i := 0; i < 12; i++ {
		h.send(0, "hello.default.example.com")
	}
	h.eng.RunUntil(h.eng.Start().Add(20 * time.Second))
	codes := map[int]int{}
	for _, r := range h.records {
		codes[r.Status]++
	}
	if d := cmp.Diff(map[int]int{200: 11, 503: 1}, codes); d != "" {
		t.Errorf("status codes (-want +got):\n%s", d)
	}
}

func TestStatsReportedEverySecond(t *testing.T) {
	h := newHarness(t, 0, []string{"pod-a", "pod-b"}, false, container.Workload{})
	h.eng.RunUntil(h.eng.Start().Add(3 * time.Second))
	// two pods and the activator, three seconds
	if h.m.reports != 9 {
		t.Errorf("reports = %d, want 9", h.m.reports)
	}
}

func TestCPUReportedPerPod(t *testing.T) {
	tests := []struct {
		name string
		work container.Workload
		want [][]hpa.Usage
	}{{
		// Two requests work on pod-a from 1 ms to 501 ms at 200m each.
		name: "working requests use CPU",
		work: container.Workload{ServiceTime: constant(500 * time.Millisecond), CPUPerRequestMilli: 200},
		want: [][]hpa.Usage{
			{{Pod: "pod-a", Milli: 200}},
			{{Pod: "pod-a", Milli: 0}},
		},
	}, {
		// The second waits inside the container until 501 ms, using nothing.
		name: "requests waiting in the container use none",
		work: container.Workload{ServiceTime: constant(500 * time.Millisecond), CPUPerRequestMilli: 200, MaxInFlight: 1},
		want: [][]hpa.Usage{
			{{Pod: "pod-a", Milli: 199.8}},
			{{Pod: "pod-a", Milli: 0.2}},
		},
	}, {
		name: "no CPU per request, no CPU",
		work: container.Workload{ServiceTime: constant(500 * time.Millisecond)},
		want: [][]hpa.Usage{
			{{Pod: "pod-a", Milli: 0}},
			{{Pod: "pod-a", Milli: 0}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 0, []string{"pod-a"}, false, tc.work)
			h.send(0, "hello.default.example.com")
			h.send(0, "hello.default.example.com")
			h.eng.RunUntil(h.eng.Start().Add(2 * time.Second))
			approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-6 })
			if d := cmp.Diff(tc.want, h.m.cpu, approx); d != "" {
				t.Errorf("CPU per second (-want +got):\n%s", d)
			}
		})
	}
}

func metaNS(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: "default", Name: name}
}
