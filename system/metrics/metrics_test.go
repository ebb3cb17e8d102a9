package metrics_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/knsim/knsim/system/apis/autoscaling"
	servingv1 "github.com/knsim/knsim/system/apis/serving/v1"
	"github.com/knsim/knsim/system/autoscaler/config"
	"github.com/knsim/knsim/system/autoscaler/hpa"
	"github.com/knsim/knsim/system/autoscaler/kpa"
	"github.com/knsim/knsim/system/autoscaler/multiscaler"
	"github.com/knsim/knsim/system/autoscaler/policy"
	"github.com/knsim/knsim/system/container"
	"github.com/knsim/knsim/system/metrics"
	"github.com/knsim/knsim/system/queue"
	"github.com/knsim/knsim/system/shell/servingshell"
	"github.com/knsim/knsim/system/stack"
	"github.com/knsim/knsim/system/telemetry"
	"github.com/knsim/knsim/system/topology"
)

func TestLatencyBuckets(t *testing.T) {
	want := []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000}
	if diff := cmp.Diff(want, metrics.LatencyBuckets); diff != "" {
		t.Errorf("LatencyBuckets (-want +got):\n%s", diff)
	}
}

func TestRequestSeries(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rev := []string{"default", "hello", "hello", "hello-1"}
	for _, tc := range []struct {
		name        string
		rec         telemetry.Record
		wantQP      []string
		wantAct     []string
		wantLatency float64
	}{{
		name: "direct: the queue-proxy's series only",
		rec: telemetry.Record{Start: start, End: start.Add(15 * time.Millisecond), Namespace: "default", Service: "hello",
			Revision: "hello-1", Pod: "hello-1-a", Status: 200, Path: telemetry.PathDirect},
		wantQP:      append(slices.Clone(rev), "hello-1-a", "queue-proxy", "200", "2xx"),
		wantLatency: 15,
	}, {
		name: "through the activator: both",
		rec: telemetry.Record{Start: start, End: start.Add(1500 * time.Millisecond), Namespace: "default", Service: "hello",
			Revision: "hello-1", Pod: "hello-1-a", Status: 200, Path: telemetry.PathActivator},
		wantQP:      append(slices.Clone(rev), "hello-1-a", "queue-proxy", "200", "2xx"),
		wantAct:     append(slices.Clone(rev), "activator", "activator", "200", "2xx"),
		wantLatency: 1500,
	}, {
		name: "the activator gave up: no pod, the activator's series",
		rec: telemetry.Record{Start: start, End: start.Add(time.Second), Namespace: "default", Service: "hello",
			Revision: "hello-1", Status: 503, Path: telemetry.PathActivator},
		wantAct:     append(slices.Clone(rev), "activator", "activator", "503", "5xx"),
		wantLatency: 1000,
	}, {
		name: "no pod named (the real shell): served unless refused",
		rec: telemetry.Record{Start: start, End: start.Add(2 * time.Millisecond), Namespace: "default", Service: "hello",
			Revision: "hello-1", Status: 500, Path: telemetry.PathDirect},
		wantQP:      append(slices.Clone(rev), "unknown", "queue-proxy", "500", "5xx"),
		wantLatency: 2,
	}, {
		name: "no pod named and refused: no queue-proxy series",
		rec: telemetry.Record{Start: start, End: start.Add(2 * time.Millisecond), Namespace: "default", Service: "hello",
			Revision: "hello-1", Status: 503, Path: telemetry.PathDirect},
		wantLatency: 2,
	}, {
		name: "no Service: unknown, as Knative says",
		rec: telemetry.Record{Start: start, End: start, Namespace: "ns", Revision: "r-1", Pod: "r-1-a", Status: 404,
			Path: telemetry.PathDirect},
		wantQP: []string{"ns", "unknown", "unknown", "r-1", "r-1-a", "queue-proxy", "404", "4xx"},
	}, {
		name: "no revision: none",
		rec:  telemetry.Record{Start: start, End: start.Add(time.Millisecond), Status: 404, Path: telemetry.PathGateway},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			qp, act, ms := metrics.RequestSeries(tc.rec, nil)
			if diff := cmp.Diff([]any{tc.wantQP, tc.wantAct, tc.wantLatency}, []any{qp, act, ms}); diff != "" {
				t.Errorf("RequestSeries (-want +got):\n%s", diff)
			}
		})
	}
}

// deciders is a Multiscaler's view with fixed observations.
type deciders map[types.NamespacedName]multiscaler.Observation

func (d deciders) Revisions() []types.NamespacedName {
	out := make([]types.NamespacedName, 0, len(d))
	for k := range d {
		out = append(out, k)
	}
	slices.SortFunc(out, topology.CompareKeys)
	return out
}

func (d deciders) Observe(k types.NamespacedName) (multiscaler.Observation, bool) {
	o, ok := d[k]
	return o, ok
}

var helloRev = types.NamespacedName{Namespace: "default", Name: "hello-1"}

const helloHost = "hello.default.example.com"

// snapshot is hello-1 behind helloHost with one ready pod; proxy puts the
// activator in the path.
func snapshot(proxy bool) *topology.Serving {
	rt := &servingv1.Route{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello", ResourceVersion: "1"},
		Status: servingv1.RouteStatus{RouteStatusFields: servingv1.RouteStatusFields{
			URL:     "http://" + helloHost,
			Traffic: []servingv1.TrafficTarget{{RevisionName: helloRev.Name, Percent: ptr.To[int64](100), LatestRevision: ptr.To(true)}},
		}},
	}
	return &topology.Serving{
		Routes: []*servingv1.Route{rt},
		Revisions: map[types.NamespacedName]topology.RevisionInfo{
			helloRev: {Service: "hello", Timeout: time.Minute, Proxy: proxy, ReadyPods: []string{"hello-1-a"}},
		},
	}
}

// controlPlane holds hello-1 (its Configuration named apart from its
// Service, to show where each label comes from), its Deployment of 3
// replicas and pods: one ready, one pending, one terminating.
func controlPlane() []client.Object {
	labels := map[string]string{servingv1.RevisionLabelKey: "hello-1", servingv1.ServiceLabelKey: "hello", servingv1.ConfigurationLabelKey: "hello-config"}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: "default", Name: name, Labels: labels}
	}
	gone := meta("hello-1-c")
	gone.DeletionTimestamp = &metav1.Time{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	gone.Finalizers = []string{"knsim.dev/test"}
	return []client.Object{
		&servingv1.Revision{ObjectMeta: meta("hello-1")},
		&appsv1.Deployment{ObjectMeta: meta("hello-1-deployment"), Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](3)}},
		&corev1.Pod{ObjectMeta: meta("hello-1-a"), Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}},
		&corev1.Pod{ObjectMeta: meta("hello-1-b"), Status: corev1.PodStatus{Phase: corev1.PodPending}},
		&corev1.Pod{ObjectMeta: gone, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
	}
}

// TestScrapeServingShell runs the real Serving shell with the set's hooks,
// sends requests through its gateway, scrapes the set's handler over HTTP
// and reads the answer with Prometheus's own text parser.
func TestScrapeServingShell(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cp := fake.NewClientBuilder().WithScheme(stack.Scheme()).WithObjects(controlPlane()...).Build()
	obs := deciders{helloRev: {
		Status: kpa.Status{DesiredScale: 3, ExcessBurstCapacity: -20},
		Last:   kpa.Decision{Valid: true, ObservedStable: 12.5, ObservedPanic: 30, PanicMode: true},
		Spec:   config.DeciderSpec{Metric: autoscaling.Concurrency, TargetValue: 70},
	}}
	set, err := metrics.New(metrics.Config{Deciders: obs, Client: cp})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := servingshell.New(servingshell.Config{
		DefaultWorkload: container.Workload{ServiceTime: func(*rand.Rand) time.Duration { return time.Millisecond }},
		Seed:            1, OnRequest: set.Requests.Observe, OnSecond: set.Requests.Second,
		Metrics: set.Requests.Reporting(&countingMetrics{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	// Three requests straight to the pod, then one through the activator.
	if err := sh.Sync(ctx, snapshot(false)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		send(t, sh.Addr(), helloHost)
	}
	if err := sh.Sync(ctx, snapshot(true)); err != nil {
		t.Fatal(err)
	}
	send(t, sh.Addr(), helloHost)

	// The shell's own gatherers (controller-runtime's registry in `knsim
	// up`) are served beside knsim's.
	other := prometheus.NewRegistry()
	other.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "controller_runtime_test_total", Help: "a family of another registry"}))
	srv := httptest.NewServer(set.Handler(other))
	defer srv.Close()
	fams := scrape(t, srv.URL)

	rev := `configuration_name="hello-config",namespace_name="default",revision_name="hello-1",service_name="hello"`
	req := func(container, pod string) string {
		return `configuration_name="hello-config",container_name="` + container + `",namespace_name="default",pod_name="` + pod +
			`",response_code="200",response_code_class="2xx",revision_name="hello-1",service_name="hello"`
	}
	want := []string{
		`activator_request_count{` + req("activator", "activator") + `} 1`,
		`activator_request_latencies_count{` + req("activator", "activator") + `} 1`,
		`autoscaler_actual_pods{` + rev + `} 1`,
		`autoscaler_desired_pods{` + rev + `} 3`,
		`autoscaler_excess_burst_capacity{` + rev + `} -20`,
		`autoscaler_not_ready_pods{` + rev + `} 1`,
		`autoscaler_panic_mode{` + rev + `} 1`,
		`autoscaler_panic_request_concurrency{` + rev + `} 30`,
		`autoscaler_pending_pods{` + rev + `} 1`,
		`autoscaler_requested_pods{` + rev + `} 3`,
		`autoscaler_stable_request_concurrency{` + rev + `} 12.5`,
		`autoscaler_target_concurrency_per_pod{` + rev + `} 70`,
		`autoscaler_terminating_pods{` + rev + `} 1`,
		`controller_runtime_test_total 0`,
		// The real shell does not name the pod that served a request.
		`revision_request_count{` + req("queue-proxy", "unknown") + `} 4`,
		`revision_request_latencies_count{` + req("queue-proxy", "unknown") + `} 4`,
	}
	if diff := cmp.Diff(want, samples(fams, func(name string) bool {
		return !strings.HasPrefix(name, "knsim_") && !strings.HasPrefix(name, "activator_request_concurrency")
	})); diff != "" {
		t.Errorf("scraped samples (-want +got):\n%s", diff)
	}
	// Every request family is a histogram on Knative's buckets.
	for _, name := range []string{"revision_request_latencies", "activator_request_latencies"} {
		f := fams[name]
		if f == nil || f.GetType() != dto.MetricType_HISTOGRAM || len(f.Metric[0].Histogram.Bucket) != len(metrics.LatencyBuckets)+1 {
			t.Errorf("%s is not a histogram on Knative's %d buckets and +Inf: %v", name, len(metrics.LatencyBuckets), f)
		}
	}
}

// send GETs / with the Host header and wants 200.
func send(t *testing.T, addr, host string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", host, resp.StatusCode)
	}
}

// scrape reads url's families with Prometheus's text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing the scrape: %v", err)
	}
	return fams
}

// samples flattens the families keep admits to sorted lines of name,
// labels (sorted) and value; histograms give their _count.
func samples(fams map[string]*dto.MetricFamily, keep func(string) bool) []string {
	var out []string
	for name, f := range fams {
		if !keep(name) {
			continue
		}
		for _, m := range f.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(labels)
			series := name
			if len(labels) > 0 {
				series += "{" + strings.Join(labels, ",") + "}"
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out = append(out, fmt.Sprintf("%s %g", series, m.Counter.GetValue()))
			case dto.MetricType_GAUGE:
				out = append(out, fmt.Sprintf("%s %g", series, m.Gauge.GetValue()))
			case dto.MetricType_HISTOGRAM:
				out = append(out, fmt.Sprintf("%s %d", strings.Replace(series, name, name+"_count", 1), m.Histogram.GetSampleCount()))
			}
		}
	}
	sort.Strings(out)
	return out
}

// countingMetrics counts the reports that reach the wrapped Metrics.
type countingMetrics struct {
	mu             sync.Mutex
	reports, pokes int
}

func (c *countingMetrics) Report(time.Time, types.NamespacedName, []queue.Stat, queue.Stat) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reports++
}

func (c *countingMetrics) Poke(time.Time, types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pokes++
}

// cpuMetrics and podMetrics add the optional interfaces.
type cpuMetrics struct{ *countingMetrics }

func (cpuMetrics) ReportCPU(time.Time, types.NamespacedName, []hpa.Usage) {}

type podMetrics struct{ *countingMetrics }

func (podMetrics) ObservesPods(types.NamespacedName) bool                          { return true }
func (podMetrics) ObservePods(time.Time, types.NamespacedName, policy.Observation) {}

type cpuPodMetrics struct{ *countingMetrics }

func (cpuPodMetrics) ReportCPU(time.Time, types.NamespacedName, []hpa.Usage)          {}
func (cpuPodMetrics) ObservesPods(types.NamespacedName) bool                          { return true }
func (cpuPodMetrics) ObservePods(time.Time, types.NamespacedName, policy.Observation) {}

// TestReporting: the wrapper records the activator's concurrency, hands
// every call on, and is a CPUMetrics or PodMetrics exactly when the
// wrapped one is (the shell type-asserts them).
func TestReporting(t *testing.T) {
	for _, tc := range []struct {
		name             string
		inner            func(*countingMetrics) telemetry.Metrics
		wantCPU, wantPod bool
	}{
		{name: "plain", inner: func(c *countingMetrics) telemetry.Metrics { return c }},
		{name: "CPU", inner: func(c *countingMetrics) telemetry.Metrics { return cpuMetrics{c} }, wantCPU: true},
		{name: "pods", inner: func(c *countingMetrics) telemetry.Metrics { return podMetrics{c} }, wantPod: true},
		{name: "both", inner: func(c *countingMetrics) telemetry.Metrics {
			return cpuPodMetrics{c}
		}, wantCPU: true, wantPod: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			r, err := metrics.NewRequests(reg, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := &countingMetrics{}
			m := r.Reporting(tc.inner(c))
			now := time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)
			m.Report(now, helloRev, nil, queue.Stat{AverageConcurrency: 2.5})
			m.Poke(now, helloRev)
			_, isCPU := m.(telemetry.CPUMetrics)
			_, isPod := m.(telemetry.PodMetrics)
			fams, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]*dto.MetricFamily{}
			for _, f := range fams {
				byName[f.GetName()] = f
			}
			got := []any{c.reports, c.pokes, isCPU, isPod, samples(byName, func(string) bool { return true })}
			want := []any{1, 1, tc.wantCPU, tc.wantPod, []string{
				`activator_request_concurrency{configuration_name="unknown",container_name="activator",namespace_name="default",pod_name="activator",revision_name="hello-1",service_name="unknown"} 2.5`,
			}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
