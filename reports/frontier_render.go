package reports

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/knsim/knsim/sim/sweep"
)

// FrontierMarkdown writes the sweep's recommendation and a table of its
// points: values, mean metrics, Pareto marks and the constraints each
// fails.
func FrontierMarkdown(w io.Writer, f *Frontier) error {
	var b strings.Builder
	writeFrontier(&b, f)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFrontier(b *strings.Builder, f *Frontier) {
	s := f.Summary
	fmt.Fprintf(b, "# Sweep of %s\n\n", s.Scenario)
	fmt.Fprintf(b, "%d points (%s design), seeds %s", len(s.Points), s.Design, seedList(s.Seeds))
	if len(s.Missing) > 0 {
		fmt.Fprintf(b, "; %d points still have runs to do", len(s.Missing))
	}
	b.WriteString(".\n\n## Recommendation\n\n" + f.Why + "\n\n")
	if f.Detail != nil {
		writeDetail(b, f.Detail)
	}
	b.WriteString("## Points\n\n")
	b.WriteString("Pareto: `L` no point is cheaper and faster (p99), `C` no point is cheaper with fewer cold starts per request; ★ the recommended point.\n\n")
	b.WriteString("| point |")
	for _, p := range s.Parameters {
		b.WriteString(" " + p.Name + " |")
	}
	b.WriteString(" cost | p50 | p99 | cold starts | cold-start rate | idle GiB·s | max pods | errors | Pareto | fails |\n|---|")
	b.WriteString(strings.Repeat("---|", len(s.Parameters)+10) + "\n")
	for i, p := range f.Points {
		mark := ""
		if i == f.Recommended {
			mark = " ★"
		}
		fmt.Fprintf(b, "| %d%s |", p.Index, mark)
		for _, v := range p.Values {
			b.WriteString(" " + string(v) + " |")
		}
		m := p.Mean
		var pareto []string
		if p.ParetoLatency {
			pareto = append(pareto, "L")
		}
		if p.ParetoColdStarts {
			pareto = append(pareto, "C")
		}
		fmt.Fprintf(b, " %s | %s ms | %s ms | %s | %s | %s | %s | %s | %s | %s |\n", sig(m.Cost), num(m.P50Ms), num(m.P99Ms),
			num(m.ColdStarts), num(m.ColdStartRate), num(m.IdleGiBSeconds), num(m.MaxPods), num(m.Errors), strings.Join(pareto, " "), strings.Join(p.Fails, ", "))
	}
}

// sig writes v with four significant digits: costs of short runs are
// fractions of a cent.
func sig(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func seedList(seeds []uint64) string {
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, ", ")
}

type frontierView struct {
	Title    string
	Markdown template.HTML
	Charts   []chart
}

// FrontierHTML writes one self-contained page: cost against p99 latency
// and against cold-start rate, Pareto-optimal points marked, then the
// Markdown's recommendation and table.
func FrontierHTML(w io.Writer, f *Frontier) error {
	var md strings.Builder
	writeFrontier(&md, f)
	_, body, _ := strings.Cut(md.String(), "\n") // the title is the page's h1
	v := frontierView{Title: "Sweep of " + f.Summary.Scenario, Markdown: template.HTML(mdTables(body))}
	for _, c := range []struct {
		title, y string
		get      func(sweep.Metrics) float64
		pareto   func(FrontierPoint) bool
	}{
		{"Cost against p99 latency", "p99 latency (ms)", func(m sweep.Metrics) float64 { return m.P99Ms }, func(p FrontierPoint) bool { return p.ParetoLatency }},
		{"Cost against cold-start rate", "cold starts per request", func(m sweep.Metrics) float64 { return m.ColdStartRate }, func(p FrontierPoint) bool { return p.ParetoColdStarts }},
		// The memory kept warm and idle, the price of fewer cold starts.
		{"Cost against idle memory-time", "idle GiB·s", func(m sweep.Metrics) float64 { return m.IdleGiBSeconds }, func(FrontierPoint) bool { return false }},
	} {
		svg, err := frontierChart(c.title, c.y, f, c.get, c.pareto)
		if err != nil {
			return err
		}
		v.Charts = append(v.Charts, chart{Title: c.title, SVG: template.HTML(xmlHeader.ReplaceAll(svg, nil))})
	}
	return frontierTemplate.Execute(w, v)
}

// frontierChart plots every point's cost (x) against y, the Pareto points
// joined by a line, and the recommended point as a star.
func frontierChart(title, yLabel string, f *Frontier, y func(sweep.Metrics) float64, pareto func(FrontierPoint) bool) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "cost"
	p.Y.Label.Text = yLabel
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	var all, front, rec plotter.XYs
	for i, pt := range f.Points {
		xy := plotter.XY{X: pt.Mean.Cost, Y: y(pt.Mean)}
		all = append(all, xy)
		if pareto(pt) {
			front = append(front, xy)
		}
		if i == f.Recommended {
			rec = append(rec, xy)
		}
	}
	sortXY(front)
	add := func(name string, xy plotter.XYs, c int, shape draw.GlyphDrawer, r float64) error {
		if len(xy) == 0 {
			return nil
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return fmt.Errorf("chart %q: %w", title, err)
		}
		s.GlyphStyle.Color, s.GlyphStyle.Shape, s.GlyphStyle.Radius = palette[c], shape, vg.Points(r)
		p.Add(s)
		p.Legend.Add(name, s)
		return nil
	}
	if err := add("point", all, 5, draw.CircleGlyph{}, 2.5); err != nil {
		return nil, err
	}
	if len(front) > 1 {
		l, err := plotter.NewLine(front)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", title, err)
		}
		l.Color, l.Width = palette[1], vg.Points(1)
		p.Add(l)
	}
	if err := add("Pareto-optimal", front, 1, draw.CircleGlyph{}, 3.5); err != nil {
		return nil, err
	}
	if err := add("recommended", rec, 6, draw.PyramidGlyph{}, 5); err != nil {
		return nil, err
	}
	return render(p)
}

// sortXY orders points by x, then y, so the frontier line runs left to
// right.
func sortXY(xy plotter.XYs) {
	for i := 1; i < len(xy); i++ {
		for j := i; j > 0 && (xy[j].X < xy[j-1].X || xy[j].X == xy[j-1].X && xy[j].Y < xy[j-1].Y); j-- {
			xy[j], xy[j-1] = xy[j-1], xy[j]
		}
	}
}

var frontierTemplate = template.Must(template.New("frontier").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
figure{margin:1em 0}</style></head><body><h1>{{.Title}}</h1>
{{range .Charts}}<figure>{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>
{{end}}{{.Markdown}}
</body></html>
`))
