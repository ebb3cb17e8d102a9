// Package distribution is knsim's one type for random durations: the
// [Distribution] a scenario file writes (pod stages, service times,
// subscriber latencies) and the cluster emulation and the data plane draw
// from.
//
// It holds the families and their parameters, the JSON form (a plain
// duration string for a constant, a mapping otherwise), a minimal
// [Distribution.Validate] for Go callers, and [Distribution.Sample]. The
// YAML decoding with file positions, the path-naming validation of scenario
// files and the JSON Schema live in sim/scenario, which owns the file format;
// sim/cluster and sim/runner import this package, and it imports neither.
//
// # Draws
//
// Sample works in float64 seconds through gonum's distuv and rounds the
// result to the nanosecond, clamped at 0. The arithmetic, and so every
// stream of draws a seed gives, is fixed: the scenario goldens depend on it.
package distribution
