package openmetrics

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/sim/results"
	"github.com/knsim/knsim/sim/runner"
	"github.com/knsim/knsim/sim/scenario"
	"github.com/knsim/knsim/system/telemetry"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// parsed is an export as Prometheus's OpenMetrics parser reads it.
type parsed struct {
	types map[string]model.MetricType
	// points by series (labels.String()), in file order.
	points map[string][]sample
	// names of each series' metric.
	names map[string]string
}

type sample struct {
	ms int64
	v  float64
}

// parse reads b with Prometheus's OpenMetrics parser and checks what the
// format asks beyond what the parser checks: one # TYPE per family, the
// samples of a family after its # TYPE and together, the points of a
// series together and in ascending time, and # EOF at the end.
func parse(t *testing.T, b []byte) parsed {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("# EOF\n")) {
		t.Fatal("the export does not end with # EOF")
	}
	p := textparse.NewOpenMetricsParser(b, labels.NewSymbolTable())
	out := parsed{types: map[string]model.MetricType{}, points: map[string][]sample{}, names: map[string]string{}}
	family, lastSeries := "", ""
	done := map[string]bool{} // series whose points are over
	for {
		e, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("parsing the export: %v", err)
		}
		switch e {
		case textparse.EntryType:
			name, typ := p.Type()
			if _, dup := out.types[string(name)]; dup {
				t.Fatalf("# TYPE %s twice", name)
			}
			family = string(name)
			out.types[family] = typ
		case textparse.EntrySeries:
			_, ts, v := p.Series()
			var l labels.Labels
			p.Labels(&l)
			name := l.Get(labels.MetricName)
			if name != family && !(len(name) > len(family) && name[:len(family)] == family) {
				t.Fatalf("sample %s outside its family (the last # TYPE is %s)", l, family)
			}
			if ts == nil {
				t.Fatalf("sample %s has no timestamp", l)
			}
			key := l.String()
			// A histogram's point is its buckets, count and sum together:
			// its metric is the labels without le, under the family's name.
			metric := family + labels.NewBuilder(l).Del("le").Del(labels.MetricName).Labels().String()
			if metric != lastSeries {
				if done[metric] {
					t.Fatalf("the points of %s are split", metric)
				}
				done[lastSeries] = true
				lastSeries = metric
			}
			if pts := out.points[key]; len(pts) > 0 && pts[len(pts)-1].ms >= *ts {
				t.Fatalf("series %s: time %d after %d", key, *ts, pts[len(pts)-1].ms)
			}
			out.points[key] = append(out.points[key], sample{*ts, v})
			out.names[key] = name
		}
	}
	return out
}

// final sums the last point of every series named name.
func (p parsed) final(name string) (sum float64) {
	for k, pts := range p.points {
		if p.names[k] == name {
			sum += pts[len(pts)-1].v
		}
	}
	return sum
}

// all sums every point of every series named name, and counts them.
func (p parsed) all(name string) (sum float64, n int) {
	for k, pts := range p.points {
		if p.names[k] == name {
			for _, s := range pts {
				sum += s.v
				n++
			}
		}
	}
	return sum, n
}

func TestNewRejectsNoDuration(t *testing.T) {
	if _, err := New(engine.DefaultStart, 0); err == nil {
		t.Error("New with no duration succeeded")
	}
}

// TestWriteGolden writes a small run by hand: two revisions' samples,
// requests direct and through the activator, one refused.
func TestWriteGolden(t *testing.T) {
	start := engine.DefaultStart
	e, err := New(start, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	for _, r := range []telemetry.Record{
		{Start: at(100), End: at(104), Namespace: "default", Service: "hello", Revision: "hello-1", Pod: "hello-1-a", Status: 200, Path: telemetry.PathDirect},
		{Start: at(900), End: at(1000), Namespace: "default", Service: "hello", Revision: "hello-1", Pod: "hello-1-a", Status: 200, Path: telemetry.PathDirect},
		{Start: at(1200), End: at(2700), Namespace: "default", Service: "hello", Revision: "hello-1", Pod: "hello-1-b", Status: 200, Path: telemetry.PathActivator, ColdStart: true},
		{Start: at(1300), End: at(2900), Namespace: "default", Service: "hello", Revision: "hello-1", Status: 503, Path: telemetry.PathActivator},
		{Start: at(1400), End: at(1401), Host: "nope.example.com", Status: 404, Path: telemetry.PathGateway},
	} {
		e.OnRequest(r)
	}
	res := &results.Results{Revisions: []results.RevisionSeries{
		{Namespace: "default", Service: "hello", Revision: "hello-1", Samples: []results.Sample{
			{T: 1, Desired: 1, Ready: 1, Concurrency: 0.5, RPS: 2}, {T: 2, Desired: 2, Ready: 1, Pending: 1, Concurrency: 2, RPS: 1}, {T: 3, Desired: 2, Ready: 2, RPS: 1},
		}},
	}}
	var b bytes.Buffer
	if err := e.Write(&b, res); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "small.om")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("export (-want +got; go test -update rewrites it):\n%s", diff)
	}
	p := parse(t, b.Bytes())
	got := map[string]float64{
		"revision_request_count":          p.final("revision_request_count"),
		"activator_request_count":         p.final("activator_request_count"),
		"revision_request_latencies_sum":  p.final("revision_request_latencies_sum"),
		"activator_request_latencies_sum": p.final("activator_request_latencies_sum"),
	}
	want2 := map[string]float64{
		"revision_request_count": 3, "activator_request_count": 2,
		"revision_request_latencies_sum": 4 + 100 + 1500, "activator_request_latencies_sum": 1500 + 1600,
	}
	if diff := cmp.Diff(want2, got); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
}

// TestRunMatchesResults runs scale-from-zero on the memory control plane
// with the export's hook and holds the export to the results: a point per
// revision sample with the same pods, and request counts summing to the
// results' totals by status code.
func TestRunMatchesResults(t *testing.T) {
	sc, err := scenario.Load(filepath.Join("..", "..", "scenarios", "scale-from-zero.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(engine.DefaultStart, sc.Metadata.Duration.D())
	if err != nil {
		t.Fatal(err)
	}
	res, err := runner.Run(context.Background(), sc, runner.Options{ControlPlane: scenario.Memory, OnRequest: e.OnRequest})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := e.Write(&b, res); err != nil {
		t.Fatal(err)
	}
	p := parse(t, b.Bytes())

	var ready, desired float64
	var samples int
	for _, r := range res.Revisions {
		for _, s := range r.Samples {
			ready += float64(s.Ready)
			desired += float64(s.Desired)
			samples++
		}
	}
	gotReady, n := p.all("autoscaler_actual_pods")
	gotDesired, _ := p.all("autoscaler_desired_pods")
	byCode := map[string]float64{}
	for k, pts := range p.points {
		if p.names[k] != "revision_request_count" {
			continue
		}
		byCode[codeOf(k)] += pts[len(pts)-1].v
	}
	wantCodes := map[string]float64{}
	for c, n := range res.Requests.StatusCodes {
		wantCodes[c] = float64(n)
	}
	got := []any{gotReady, gotDesired, n, byCode}
	want := []any{ready, desired, samples, wantCodes}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export against results (-want +got):\n%s", diff)
	}
	if res.Requests.Total == 0 || ready == 0 {
		t.Fatalf("the scenario sent %d requests and had %g ready pod-seconds: nothing to compare", res.Requests.Total, ready)
	}
	// Every request of scale-from-zero waits at the activator first.
	if act := p.final("activator_request_count"); act == 0 || math.IsNaN(act) {
		t.Errorf("activator_request_count = %g, want requests through the activator", act)
	}
}

// codeOf reads the response_code label of a series' String().
func codeOf(series string) string {
	l, err := parseLabels(series)
	if err != nil {
		return "?"
	}
	return l["response_code"]
}

// parseLabels reads {a="b", ...} as labels.String() writes it.
func parseLabels(s string) (map[string]string, error) {
	out := map[string]string{}
	i := bytes.IndexByte([]byte(s), '{')
	if i < 0 {
		return nil, errors.New("no labels")
	}
	rest := s[i+1 : len(s)-1]
	for len(rest) > 0 {
		eq := bytes.IndexByte([]byte(rest), '=')
		if eq < 0 {
			return nil, errors.New("bad labels")
		}
		name := rest[:eq]
		v, err := strconv.QuotedPrefix(rest[eq+1:])
		if err != nil {
			return nil, err
		}
		uq, _ := strconv.Unquote(v)
		out[name] = uq
		rest = rest[eq+1+len(v):]
		rest = trimPrefix(rest, ", ")
	}
	return out, nil
}

func trimPrefix(s, p string) string {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
