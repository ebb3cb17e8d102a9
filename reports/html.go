package reports

import (
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"

	"gonum.org/v1/plot/plotter"

	"github.com/knsim/knsim/sim/results"
)

// chart is one rendered figure.
type chart struct {
	Title string
	SVG   template.HTML
}

type runView struct {
	R        *results.Results
	Mode     string
	Verdict  string
	Markdown template.HTML
	Charts   []chart
}

type pageView struct {
	Summary    template.HTML
	Comparison []chart
	Runs       []runView
}

var xmlHeader = regexp.MustCompile(`^<\?xml[^>]*>\s*`)

// HTML writes one self-contained page (no external assets) with a summary
// and, per run, charts of pods against load, latency percentiles over time,
// cold starts and cost.
func HTML(w io.Writer, runs []*results.Results) error {
	var summary strings.Builder
	writeSummary(&summary, runs)
	page := pageView{Summary: template.HTML(mdTables(summary.String()))}
	for _, group := range sideBySide(runs) {
		cs, err := comparisonCharts(group)
		if err != nil {
			return err
		}
		page.Comparison = append(page.Comparison, cs...)
	}
	for _, r := range runs {
		cs, err := runCharts(r)
		if err != nil {
			return fmt.Errorf("charts for %s: %w", r.Scenario.Name, err)
		}
		var md strings.Builder
		writeRun(&md, r)
		page.Runs = append(page.Runs, runView{R: r, Mode: mode(r), Verdict: verdict(r), Markdown: template.HTML(mdTables(md.String())), Charts: cs})
	}
	return pageTemplate.Execute(w, page)
}

func runCharts(r *results.Results) ([]chart, error) {
	var out []chart
	add := func(title string, svg []byte, err error) error {
		if err != nil {
			return err
		}
		out = append(out, chart{Title: title, SVG: template.HTML(xmlHeader.ReplaceAll(svg, nil))})
		return nil
	}
	svg, err := lineChart("Pods", "seconds", "pods", podLines(r))
	if err := add("Pods over time (solid: ready, dashed: desired)", svg, err); err != nil {
		return nil, err
	}
	svg, err = lineChart("Load", "seconds", "requests/s, in flight", loadLines(r))
	if err := add("Load over time (solid: requests/s, dashed: concurrency)", svg, err); err != nil {
		return nil, err
	}
	if len(r.Latency) > 0 {
		svg, err = lineChart("Latency", "seconds", "ms", latencyLines(r))
		if err := add("Latency percentiles over time", svg, err); err != nil {
			return nil, err
		}
	}
	if r.ColdStarts.Count > 0 {
		xy := make(plotter.XYs, len(r.ColdStarts.Times))
		for i, t := range r.ColdStarts.Times {
			xy[i] = plotter.XY{X: float64(t), Y: float64(i + 1)}
		}
		svg, err = scatterChart("Cold starts", "seconds", "cumulative cold starts", xy)
		if err := add("Cold starts over time", svg, err); err != nil {
			return nil, err
		}
	}
	if rd := r.Readiness; rd != nil && rd.Services > 0 { // readiness.go
		svg, err = readinessChart(rd)
		if err := add(fmt.Sprintf("Service ready: stages stacked by percentile (%d of %d Services Ready)", rd.Ready, rd.Services), svg, err); err != nil {
			return nil, err
		}
	}
	svg, err = barChart("Cost", "units", []string{"pod-s", "vCPU-s", "GiB-s"}, []float64{r.Cost.PodSeconds, r.Cost.VCPUSeconds, r.Cost.GiBSeconds})
	if err := add(fmt.Sprintf("Resource use (total %s)", money(r.Cost)), svg, err); err != nil {
		return nil, err
	}
	return out, nil
}

// comparisonCharts overlays the pod timelines of one scenario's runs.
func comparisonCharts(group []*results.Results) ([]chart, error) {
	var lines []series
	for _, r := range group {
		for _, l := range podLines(r) {
			if strings.HasSuffix(l.name, " ready") {
				l.name = mode(r) + ": " + l.name
				lines = append(lines, l)
			}
		}
	}
	svg, err := lineChart(group[0].Scenario.Name+": ready pods by mode", "seconds", "pods", lines)
	if err != nil {
		return nil, err
	}
	out := []chart{{Title: group[0].Scenario.Name + ": ready pods, modes side by side", SVG: template.HTML(xmlHeader.ReplaceAll(svg, nil))}}
	var lat []series
	for _, r := range group {
		for _, l := range latencyLines(r) {
			if l.name != "p95" {
				l.name = mode(r) + ": " + l.name
				l.dashed = l.name[len(l.name)-3:] == "p50"
				lat = append(lat, l)
			}
		}
	}
	svg, err = lineChart(group[0].Scenario.Name+": latency by mode", "seconds", "milliseconds", lat)
	if err != nil {
		return nil, err
	}
	return append(out, chart{Title: group[0].Scenario.Name + ": latency p50 (dashed) and p99, modes side by side", SVG: template.HTML(xmlHeader.ReplaceAll(svg, nil))}), nil
}

// mdTables converts the small Markdown subset the report writes (tables,
// headings, paragraphs, `code`) to HTML.
func mdTables(md string) string {
	var b strings.Builder
	lines := strings.Split(md, "\n")
	inTable := false
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "|"):
			cells := strings.Split(strings.Trim(l, "|"), "|")
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "|---") {
				b.WriteString("<table><tr>")
				for _, c := range cells {
					b.WriteString("<th>" + inline(c) + "</th>")
				}
				b.WriteString("</tr>")
				inTable = true
				continue
			}
			if strings.HasPrefix(l, "|---") {
				continue
			}
			b.WriteString("<tr>")
			for _, c := range cells {
				b.WriteString("<td>" + inline(c) + "</td>")
			}
			b.WriteString("</tr>")
		default:
			if inTable {
				b.WriteString("</table>")
				inTable = false
			}
			switch {
			case strings.HasPrefix(l, "## "):
				b.WriteString("<h3>" + inline(l[3:]) + "</h3>")
			case strings.TrimSpace(l) != "":
				b.WriteString("<p>" + inline(l) + "</p>")
			}
		}
	}
	if inTable {
		b.WriteString("</table>")
	}
	return b.String()
}

var codeSpan = regexp.MustCompile("`([^`]*)`")

func inline(s string) string {
	return codeSpan.ReplaceAllString(template.HTMLEscapeString(strings.TrimSpace(s)), "<code>$1</code>")
}

var pageTemplate = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>knsim report</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.3rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}code{background:#f4f4f4;padding:0 .2rem}
.PASS{color:#067d3c}.FAIL{color:#b00020}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#555}svg{max-width:100%;height:auto}
</style></head><body>
<h1>knsim report</h1>
{{.Summary}}
{{range .Comparison}}<figure>{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>{{end}}
{{range .Runs}}
<h2>{{.R.Scenario.Name}} <small>({{.Mode}})</small> — <span class="{{.Verdict}}">{{.Verdict}}</span></h2>
{{.Markdown}}
{{range .Charts}}<figure>{{.SVG}}<figcaption>{{.Title}}</figcaption></figure>{{end}}
{{end}}
</body></html>
`))
