// Package reports renders results JSON into what people read: Markdown that
// fits a CI job summary, and one self-contained HTML page whose charts
// (gonum/plot, embedded as SVG) show pods against load, latency percentiles
// over time, cold starts and cost. Runs of the same scenario in different
// modes (virtual and real) are put side by side.
package reports
