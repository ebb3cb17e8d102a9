package reports

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/knsim/knsim/sim/results"
)

// readinessPalette extends palette to one colour per stage of
// results.ReadyStages.
var readinessPalette = append(slices.Clone(palette), color.RGBA{153, 153, 153, 255}, color.RGBA{240, 228, 66, 255})

// readinessPercentiles are the bars of the readiness chart.
var readinessPercentiles = []struct {
	name string
	get  func(results.Percentiles) float64
}{
	{"p50", func(p results.Percentiles) float64 { return p.P50 }},
	{"p90", func(p results.Percentiles) float64 { return p.P90 }},
	{"p95", func(p results.Percentiles) float64 { return p.P95 }},
	{"p99", func(p results.Percentiles) float64 { return p.P99 }},
}

// readinessStack orders the reached stages by their median (then as
// results.ReadyStages lists them), and gives each stage's segment of every
// bar: how far its percentile reaches beyond the stages stacked below it.
// The top of a bar is the latest stage's percentile, a Service's Ready.
func readinessStack(r *results.Readiness) (names []string, segments [][]float64) {
	var stages []results.StageSummary
	for _, s := range r.Stages {
		if s.Reached > 0 {
			stages = append(stages, s)
		}
	}
	slices.SortStableFunc(stages, func(a, b results.StageSummary) int { return cmp.Compare(a.Latency.P50, b.Latency.P50) })
	top := make([]float64, len(readinessPercentiles))
	for _, s := range stages {
		seg := make([]float64, len(readinessPercentiles))
		for i, p := range readinessPercentiles {
			v := p.get(s.Latency)
			if v > top[i] {
				seg[i], top[i] = v-top[i], v
			}
		}
		names = append(names, s.Stage)
		segments = append(segments, seg)
	}
	return names, segments
}

// readinessChart renders the Service-ready breakdown as stacked bars, one
// per percentile, as SVG.
func readinessChart(r *results.Readiness) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "Service ready"
	p.Y.Label.Text = "ms from creation"
	p.Legend.Top = true
	p.Legend.Left = true
	names, segments := readinessStack(r)
	var below *plotter.BarChart
	for i, name := range names {
		bars, err := plotter.NewBarChart(plotter.Values(segments[i]), vg.Points(36))
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", p.Title.Text, err)
		}
		bars.Color = readinessPalette[slices.Index(results.ReadyStages, name)%len(readinessPalette)]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		p.Legend.Add(name, bars)
	}
	labels := make([]string, len(readinessPercentiles))
	for i, pc := range readinessPercentiles {
		labels[i] = pc.name
	}
	p.NominalX(labels...)
	// Room on the left for the legend, clear of the first bar.
	p.X.Min, p.X.Max = -1.8, float64(len(labels))-0.5
	return render(p)
}

// writeReadiness writes the Service-ready breakdown as a table, one row
// per stage, when the run recorded one.
func writeReadiness(b *strings.Builder, r *results.Readiness) {
	if r == nil || r.Services == 0 {
		return
	}
	fmt.Fprintf(b, "\nService ready: %d of %d Services Ready; time from creation to each stage:\n\n", r.Ready, r.Services)
	b.WriteString("| stage | reached | p50 ms | p90 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Stages {
		l := s.Latency
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s |\n", s.Stage, s.Reached, num(l.P50), num(l.P90), num(l.P95), num(l.P99), num(l.Max))
	}
}
