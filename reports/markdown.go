package reports

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/knsim/knsim/sim/results"
)

// Markdown writes a report of runs: a summary table, then each run's
// verdict, expectations, requests, pods, cold starts and cost, and a
// side-by-side table for scenarios run in several modes.
func Markdown(w io.Writer, runs []*results.Results) error {
	var b strings.Builder
	b.WriteString("# knsim report\n\n")
	writeSummary(&b, runs)
	for _, r := range runs {
		writeRun(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSummary writes the one-row-per-run table and the side-by-side tables.
func writeSummary(b *strings.Builder, runs []*results.Results) {
	b.WriteString("| scenario | mode | verdict | requests | errors | p99 ms | max pods | cold starts | cost |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range runs {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %s | %d | %d | %s |\n",
			r.Scenario.Name, mode(r), verdict(r), r.Requests.Total, r.Requests.Errors, num(r.Requests.Latency.P99),
			r.Pods.Max, r.ColdStarts.Count, money(r.Cost))
	}
	for _, group := range sideBySide(runs) {
		b.WriteString("\n## " + group[0].Scenario.Name + ": modes side by side\n\n")
		writeComparison(b, group)
	}
}

func writeRun(b *strings.Builder, r *results.Results) {
	fmt.Fprintf(b, "\n## %s (%s) — %s\n\n", r.Scenario.Name, mode(r), verdict(r))
	if r.Scenario.Description != "" {
		b.WriteString(r.Scenario.Description + "\n\n")
	}
	fmt.Fprintf(b, "Seed %d, %s of %s time, control plane %s.\n\n", r.Scenario.Seed, dur(r.Scenario.Duration), timeKind(r), r.Scenario.ControlPlane)
	if len(r.Expectations) > 0 {
		b.WriteString("| | expectation | observed |\n|---|---|---|\n")
		for _, o := range r.Expectations {
			mark := "✅"
			if !o.Pass {
				mark = "❌"
			}
			fmt.Fprintf(b, "| %s | `%s` | %s |\n", mark, o.Expr, o.Observed)
		}
		b.WriteString("\n")
	}
	q := r.Requests
	b.WriteString("| requests | ok | errors | req/s | p50 ms | p90 ms | p95 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %s | %s | %s | %s | %s | %s |\n\n", q.Total, q.OK, q.Errors, num(q.PerSecond),
		num(q.Latency.P50), num(q.Latency.P90), num(q.Latency.P95), num(q.Latency.P99), num(q.Latency.Max))
	if len(q.StatusCodes) > 0 {
		b.WriteString("Status codes: " + statusCodes(q.StatusCodes) + ".\n\n")
	}
	b.WriteString("| max pods | max ready | max pending | cold starts | cold start p50 ms | cold start p99 ms |\n|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %s | %s |\n\n", r.Pods.Max, r.Pods.MaxReady, r.Pods.MaxPending,
		r.ColdStarts.Count, num(r.ColdStarts.Latency.P50), num(r.ColdStarts.Latency.P99))
	fmt.Fprintf(b, "Cost: %s pod-seconds, %s vCPU-seconds, %s GiB-seconds, %s.\n", num(r.Cost.PodSeconds),
		num(r.Cost.VCPUSeconds), num(r.Cost.GiBSeconds), money(r.Cost))
	writeReadiness(b, r.Readiness) // readiness.go
	if e := r.Events; e != nil {
		b.WriteString("\n| produced | accepted | delivered | duplicates | retries | dead-lettered | dropped (TTL) | filtered | lost | p99 ms |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |\n", e.Produced, e.Accepted, e.Delivered,
			e.Duplicates, e.Retries, e.DeadLettered, e.DroppedTTL, e.Filtered, e.Lost, num(e.Latency.P99))
	}
}

func writeComparison(b *strings.Builder, group []*results.Results) {
	b.WriteString("| | " + join(group, func(r *results.Results) string { return mode(r) }) + " |\n")
	b.WriteString("|---" + strings.Repeat("|---:", len(group)) + "|\n")
	rows := []struct {
		name string
		f    func(*results.Results) string
	}{
		{"requests", func(r *results.Results) string { return fmt.Sprint(r.Requests.Total) }},
		{"errors", func(r *results.Results) string { return fmt.Sprint(r.Requests.Errors) }},
		{"p50 ms", func(r *results.Results) string { return num(r.Requests.Latency.P50) }},
		{"p95 ms", func(r *results.Results) string { return num(r.Requests.Latency.P95) }},
		{"p99 ms", func(r *results.Results) string { return num(r.Requests.Latency.P99) }},
		{"max pods", func(r *results.Results) string { return fmt.Sprint(r.Pods.Max) }},
		{"cold starts", func(r *results.Results) string { return fmt.Sprint(r.ColdStarts.Count) }},
		{"pod-seconds", func(r *results.Results) string { return num(r.Cost.PodSeconds) }},
	}
	for _, row := range rows {
		b.WriteString("| " + row.name + " | " + join(group, row.f) + " |\n")
	}
	writeTimeline(b, group)
}

// timelineRows is about how many rows the side-by-side pod timeline has.
const timelineRows = 12

// writeTimeline puts the runs' ready pods and request rates (all
// revisions) at the same instants side by side.
func writeTimeline(b *strings.Builder, group []*results.Results) {
	end := 0.0
	for _, r := range group {
		end = max(end, float64(r.Scenario.Duration))
	}
	if end <= 0 {
		return
	}
	step := math.Max(1, math.Round(end/timelineRows))
	b.WriteString("\nReady pods (and requests per second) over time:\n\n")
	b.WriteString("| t | " + join(group, func(r *results.Results) string { return mode(r) }) + " |\n")
	b.WriteString("|---:" + strings.Repeat("|---:", len(group)) + "|\n")
	for t := 0.0; t <= end; t += step {
		b.WriteString("| " + dur(results.Seconds(t)) + " | " + join(group, func(r *results.Results) string {
			ready, rps := readyAt(r, t)
			return fmt.Sprintf("%d (%s)", ready, num(rps))
		}) + " |\n")
	}
}

// readyAt sums every revision's last sample at or before t.
func readyAt(r *results.Results, t float64) (int32, float64) {
	var ready int32
	var rps float64
	for _, rev := range r.Revisions {
		for i := len(rev.Samples) - 1; i >= 0; i-- {
			if s := rev.Samples[i]; float64(s.T) <= t {
				ready += s.Ready
				rps += s.RPS
				break
			}
		}
	}
	return ready, rps
}

// sideBySide groups runs of one scenario in more than one mode.
func sideBySide(runs []*results.Results) [][]*results.Results {
	by := map[string][]*results.Results{}
	var names []string
	for _, r := range runs {
		if _, ok := by[r.Scenario.Name]; !ok {
			names = append(names, r.Scenario.Name)
		}
		by[r.Scenario.Name] = append(by[r.Scenario.Name], r)
	}
	var out [][]*results.Results
	for _, n := range names {
		g := by[n]
		modes := map[string]bool{}
		for _, r := range g {
			modes[mode(r)] = true
		}
		if len(modes) > 1 {
			out = append(out, g)
		}
	}
	return out
}

func join(group []*results.Results, f func(*results.Results) string) string {
	parts := make([]string, len(group))
	for i, r := range group {
		parts[i] = f(r)
	}
	return strings.Join(parts, " | ")
}

// mode names how a run ran: its mode and the control plane that ran it
// (virtual/envtest, virtual/memory, real/envtest).
func mode(r *results.Results) string {
	if r.Scenario.ControlPlane == "" {
		return r.Scenario.Mode
	}
	return r.Scenario.Mode + "/" + r.Scenario.ControlPlane
}

func timeKind(r *results.Results) string {
	if r.Scenario.Mode == "real" {
		return "wall-clock"
	}
	return "virtual"
}

func verdict(r *results.Results) string {
	if r.Passed {
		return "PASS"
	}
	return "FAIL"
}

func statusCodes(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s × %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

func money(c results.Cost) string {
	cur := c.Currency
	if cur == "" {
		cur = "$"
	}
	return fmt.Sprintf("%s%.4f", cur, c.Total)
}

func dur(s results.Seconds) string {
	switch {
	case s >= 3600:
		return fmt.Sprintf("%.1f h", float64(s)/3600)
	case s >= 60:
		return fmt.Sprintf("%.1f min", float64(s)/60)
	default:
		return fmt.Sprintf("%.0f s", float64(s))
	}
}
