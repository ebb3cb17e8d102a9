// Package gate owns knsim's CI performance gates: the gate file format (a
// YAML list of scenarios and the metrics to watch), running the scenarios
// over K seeds in parallel, the exact rank tests that compare a candidate
// with a baseline (Wilcoxon signed-rank for runs paired by seed,
// Mann-Whitney U for independent ones), the verdicts (regression,
// improvement, unchanged, inconclusive), baselines with their provenance
// and fixed bands, the outputs (Markdown, JUnit XML, results JSON) and the
// calibration of false alarms and power. Metrics are those of the
// expectation language (sim/expect), measured by the runner's own lookup
// through probe expectations. docs/gates.md is the user's guide; cmd/knsim
// gate is the command.
package gate
