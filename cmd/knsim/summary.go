package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/knsim/knsim/sim/results"
)

// printSummary prints a run the way hey prints a load test, plus the pods
// and cold starts.
func printSummary(w io.Writer, r *results.Results) {
	q := r.Requests
	fmt.Fprintf(w, "\n%s (%s, seed %d, %.0fs)\n\nSummary:\n", r.Scenario.Name, r.Scenario.Mode+"/"+r.Scenario.ControlPlane, r.Scenario.Seed, float64(r.Scenario.Duration))
	fmt.Fprintf(w, "  Total:\t%d requests\n  Slowest:\t%.4f secs\n  Fastest:\t%.4f secs\n  Average:\t%.4f secs\n  Requests/sec:\t%.4f\n",
		q.Total, q.Latency.Max/1000, q.Latency.Min/1000, q.Latency.Mean/1000, q.PerSecond)
	if len(q.Histogram) > 0 {
		fmt.Fprintf(w, "\nResponse time histogram:\n")
		most := 0
		for _, b := range q.Histogram {
			most = max(most, b.Count)
		}
		for _, b := range q.Histogram {
			bar := 0
			if most > 0 {
				bar = 40 * b.Count / most
			}
			fmt.Fprintf(w, "  %.3f [%d]\t|%s\n", b.UpToMs/1000, b.Count, strings.Repeat("■", bar))
		}
	}
	fmt.Fprintf(w, "\nLatency distribution:\n")
	for _, p := range []struct {
		name string
		v    float64
	}{{"50%", q.Latency.P50}, {"90%", q.Latency.P90}, {"95%", q.Latency.P95}, {"99%", q.Latency.P99}} {
		fmt.Fprintf(w, "  %s in %.4f secs\n", p.name, p.v/1000)
	}
	fmt.Fprintf(w, "\nStatus code distribution:\n")
	codes := make([]string, 0, len(q.StatusCodes))
	for c := range q.StatusCodes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "  [%s]\t%d responses\n", c, q.StatusCodes[c])
	}
	fmt.Fprintf(w, "\nPods: max %d, max ready %d, max pending %d, at the end %d\n", r.Pods.Max, r.Pods.MaxReady, r.Pods.MaxPending, r.Pods.Final)
	fmt.Fprintf(w, "Cold starts: %d", r.ColdStarts.Count)
	if r.ColdStarts.Count > 0 {
		fmt.Fprintf(w, " (p50 %.2fs, max %.2fs)", r.ColdStarts.Latency.P50/1000, r.ColdStarts.Latency.Max/1000)
	}
	fmt.Fprintf(w, "\nCost: %.1f pod-s, %.1f vCPU-s, %.1f GiB-s, %.4f\n\n", r.Cost.PodSeconds, r.Cost.VCPUSeconds, r.Cost.GiBSeconds, r.Cost.Total)
}
