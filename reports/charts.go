package reports

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/knsim/knsim/sim/results"
)

// palette is colour-blind friendly (Okabe-Ito).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255},
}

// series is one named line.
type series struct {
	name   string
	xy     plotter.XYs
	dashed bool
}

// lineChart renders lines as SVG.
func lineChart(title, xLabel, yLabel string, lines []series) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Y.Min = 0
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	for i, s := range lines {
		if len(s.xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(s.xy)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", title, err)
		}
		l.Color = palette[i%len(palette)]
		l.Width = vg.Points(1.5)
		if s.dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	return render(p)
}

// barChart renders labelled bars as SVG.
func barChart(title, yLabel string, labels []string, values []float64) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = yLabel
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(28))
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", title, err)
	}
	bars.Color = palette[0]
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(labels...)
	return render(p)
}

// scatterChart renders points as SVG.
func scatterChart(title, xLabel, yLabel string, xy plotter.XYs) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Add(plotter.NewGrid())
	if len(xy) > 0 {
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", title, err)
		}
		s.GlyphStyle.Color = palette[1]
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = vg.Points(3)
		p.Add(s)
	}
	return render(p)
}

func render(p *plot.Plot) ([]byte, error) {
	w, err := p.WriterTo(8*vg.Inch, 3.2*vg.Inch, "svg")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// podLines returns desired and ready pods per revision.
func podLines(r *results.Results) []series {
	var out []series
	for _, rev := range r.Revisions {
		desired, ready := make(plotter.XYs, len(rev.Samples)), make(plotter.XYs, len(rev.Samples))
		for i, s := range rev.Samples {
			desired[i] = plotter.XY{X: float64(s.T), Y: float64(s.Desired)}
			ready[i] = plotter.XY{X: float64(s.T), Y: float64(s.Ready)}
		}
		out = append(out, series{name: rev.Revision + " ready", xy: ready}, series{name: rev.Revision + " desired", xy: desired, dashed: true})
	}
	return out
}

// loadLines returns requests per second per revision.
func loadLines(r *results.Results) []series {
	var out []series
	for _, rev := range r.Revisions {
		rps, conc := make(plotter.XYs, len(rev.Samples)), make(plotter.XYs, len(rev.Samples))
		for i, s := range rev.Samples {
			rps[i] = plotter.XY{X: float64(s.T), Y: s.RPS}
			conc[i] = plotter.XY{X: float64(s.T), Y: s.Concurrency}
		}
		out = append(out, series{name: rev.Revision + " rps", xy: rps}, series{name: rev.Revision + " concurrency", xy: conc, dashed: true})
	}
	return out
}

// latencyLines returns p50, p95 and p99 over time.
func latencyLines(r *results.Results) []series {
	p50, p95, p99 := plotter.XYs{}, plotter.XYs{}, plotter.XYs{}
	for _, l := range r.Latency {
		if l.N == 0 {
			continue
		}
		p50 = append(p50, plotter.XY{X: float64(l.T), Y: l.P50})
		p95 = append(p95, plotter.XY{X: float64(l.T), Y: l.P95})
		p99 = append(p99, plotter.XY{X: float64(l.T), Y: l.P99})
	}
	return []series{{name: "p50", xy: p50}, {name: "p95", xy: p95}, {name: "p99", xy: p99}}
}
