package fleetbench

import (
	"fmt"
	"github.com/knsim/knsim/sim/expect"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints one row per result, in order: Services, duration,
// invocations, wall time, invocations per wall second, peak RSS and the
// cost per invocation (wall time / invocations) relative to the result
// with the fewest Services among those of the same duration. markdown
// prints a Markdown table, otherwise aligned columns.
func WriteTable(w io.Writer, results []Result, markdown bool) error {
	base := map[time.Duration]Result{}
	for _, r := range results {
		if b, ok := base[r.Duration]; !ok || r.Services < b.Services {
			base[r.Duration] = r
		}
	}
	baseName := "smallest"
	if len(results) > 0 {
		names := map[int]bool{}
		for _, b := range base {
			names[b.Services] = true
		}
		if len(names) == 1 {
			for n := range names {
				baseName = fmt.Sprintf("N=%d", n)
			}
		}
	}
	header := []string{"Services", "duration", "invocations", "wall", "invocations/s", "peak RSS", "cost/invocation vs " + baseName}
	rows := [][]string{}
	for _, r := range results {
		rel := "-"
		if b := base[r.Duration]; b.CostPerInvocation() > 0 && r.Invocations > 0 {
			rel = fmt.Sprintf("%.2fx", float64(r.Wall)/float64(r.Invocations)/(float64(b.Wall)/float64(b.Invocations)))
		}
		errs := ""
		if r.Errors > 0 {
			errs = fmt.Sprintf(" (%d errors)", r.Errors)
		}
		rows = append(rows, []string{
			fmt.Sprint(r.Services), expect.FormatDuration(r.Duration), fmt.Sprint(r.Invocations) + errs, wallString(r.Wall),
			fmt.Sprintf("%.0f", r.InvocationsPerSecond()), rssString(r.MaxRSS), rel,
		})
	}
	if markdown {
		line := func(cells []string) { fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | ")) }
		line(header)
		fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|")
		for _, r := range rows {
			line(r)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, r := range append([][]string{header}, rows...) {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	return tw.Flush()
}

// wallString rounds a wall time to 0.1 s.
func wallString(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

// rssString prints a size in bytes as MiB; "-" when unknown.
func rssString(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%d MiB", (b+(1<<19))>>20)
}
