package gate

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Report is the gate's results JSON: every comparison and how it was made.
type Report struct {
	Gate       string     `json:"gate"`
	Baseline   string     `json:"baseline"`
	Provenance Provenance `json:"baselineProvenance"`
	Seeds      []uint64   `json:"seeds"`
	Alpha      float64    `json:"alpha"`
	Failed     bool       `json:"failed"`
	Rows       []Row      `json:"rows"`
}

// WriteJSON stores the report at path.
func (r *Report) WriteJSON(path string) error { return writeJSON(path, r) }

// kinds of the metrics, by canonical name, for formatting.
func (r *Report) format(l *Loaded) func(metric string, v *float64) string {
	kinds := map[string]string{}
	for _, ms := range l.Metrics {
		for _, m := range ms {
			kinds[m.Name()] = string(m.Kind)
		}
	}
	return func(metric string, v *float64) string {
		if v == nil {
			return "–"
		}
		if kinds[metric] == "duration" {
			return time.Duration(math.Round(*v * 1e9)).Round(time.Microsecond).String()
		}
		return fmt.Sprintf("%.4g", *v)
	}
}

var verdictMark = map[Verdict]string{Regression: "❌ regression", Improvement: "✅ improvement", Unchanged: "unchanged", Inconclusive: "⚠️ inconclusive"}

// WriteMarkdown writes the report as a Markdown table, the form CI job
// summaries show.
func (r *Report) WriteMarkdown(w io.Writer, l *Loaded) error {
	f := r.format(l)
	var b strings.Builder
	status := "passed"
	if r.Failed {
		status = "FAILED: regression"
	}
	fmt.Fprintf(&b, "### knsim gate %s: %s\n\n", r.Gate, status)
	fmt.Fprintf(&b, "%d seeds, alpha %g, baseline %s", len(r.Seeds), r.Alpha, r.Baseline)
	if r.Provenance.Commit != "" {
		fmt.Fprintf(&b, " (commit %.12s, %s)", r.Provenance.Commit, r.Provenance.Date)
	}
	b.WriteString("\n\n| scenario | metric | better | baseline | candidate | change | p (worse) | verdict |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---|\n")
	for _, row := range r.Rows {
		base := f(row.Metric, row.BaselineMedian)
		if row.Range != nil {
			base = "[" + f(row.Metric, row.Range.Min) + ", " + f(row.Metric, row.Range.Max) + "]"
		}
		change, p := "–", "–"
		if row.Change != nil {
			change = fmt.Sprintf("%+.1f%%", 100**row.Change)
		}
		if row.PWorse != nil {
			p = fmt.Sprintf("%.3g", *row.PWorse)
		}
		verdict := verdictMark[row.Verdict]
		if row.Note != "" {
			verdict += " (" + row.Note + ")"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s | %s |\n", row.Scenario, row.Metric, row.Better,
			base, f(row.Metric, row.CandidateMedian), change, p, verdict)
	}
	b.WriteString("\nbaseline and candidate are medians over the seeds; change is the median paired relative change (or the change of the medians for the unpaired test); p (worse) is the exact one-sided p-value of a worsening.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes one testcase per scenario and metric; regressions are
// failures, inconclusive comparisons are skipped.
func (r *Report) WriteJUnit(w io.Writer, l *Loaded) error {
	f := r.format(l)
	suites := junitSuites{Name: "knsim gate " + r.Gate}
	idx := map[string]int{}
	for _, row := range r.Rows {
		i, ok := idx[row.Scenario]
		if !ok {
			i = len(suites.Suites)
			idx[row.Scenario] = i
			suites.Suites = append(suites.Suites, junitSuite{Name: r.Gate + "/" + row.Scenario})
		}
		s := &suites.Suites[i]
		base := f(row.Metric, row.BaselineMedian)
		if row.Range != nil {
			base = "[" + f(row.Metric, row.Range.Min) + ", " + f(row.Metric, row.Range.Max) + "]"
		}
		msg := fmt.Sprintf("%s: %s, baseline %s, candidate %s", row.Metric, row.Verdict, base, f(row.Metric, row.CandidateMedian))
		if row.Change != nil {
			msg += fmt.Sprintf(", change %+.1f%%", 100**row.Change)
		}
		if row.PWorse != nil {
			msg += fmt.Sprintf(", p %.3g", *row.PWorse)
		}
		if row.Note != "" {
			msg += " (" + row.Note + ")"
		}
		c := junitCase{Name: row.Metric, ClassName: r.Gate + "." + row.Scenario, SystemOut: msg}
		switch row.Verdict {
		case Regression:
			c.Failure = &junitMessage{Message: "regression", Text: msg}
			s.Failures++
			suites.Failures++
		case Inconclusive:
			c.Skipped = &junitMessage{Message: msg}
			s.Skipped++
		}
		s.Tests++
		suites.Tests++
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
