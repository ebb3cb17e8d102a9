// Package reports renders results JSON into what people read: Markdown that
// fits a CI job summary, and one self-contained HTML page whose charts
// (gonum/plot, embedded as SVG) show pods against load, latency percentiles
// over time, cold starts and cost. Runs of the same scenario in different
// modes (virtual and real) are put side by side.
//
// For a sweep (sim/sweep), the frontier report (frontier*.go) draws cost
// against p99 latency and against cold-start rate, marks the
// Pareto-optimal points and names the point with the best objective among
// those meeting every constraint, and why.
package reports
