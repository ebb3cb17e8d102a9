package gate

// Gate is a gate file: scenarios to run over several seeds and the metrics
// compared with a baseline.
type Gate struct {
	// Name identifies the gate; the baseline is bench/baselines/<name>.json
	// unless baseline says otherwise.
	Name string `json:"name" jsonschema:"required,pattern=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"`
	// Description says what the gate protects.
	Description string `json:"description,omitempty"`
	// Seeds is how many seeds (K) each scenario runs with (default 5).
	Seeds int `json:"seeds,omitempty" jsonschema:"minimum=2,maximum=100"`
	// FirstSeed is the first of the K consecutive seeds (default 1).
	FirstSeed uint64 `json:"firstSeed,omitempty"`
	// Alpha is the significance level of the one-sided tests (default 0.05).
	Alpha float64 `json:"alpha,omitempty" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=0.5"`
	// Test is the statistical test: wilcoxon (paired by seed, the default)
	// or mann-whitney (independent samples).
	Test string `json:"test,omitempty" jsonschema:"enum=wilcoxon,enum=mann-whitney"`
	// Baseline is the baseline file, relative to the gate file (default
	// bench/baselines/<name>.json relative to the working directory).
	Baseline string `json:"baseline,omitempty"`
	// ControlPlane overrides the scenarios' control plane: memory or
	// envtest.
	ControlPlane string `json:"controlPlane,omitempty" jsonschema:"enum=memory,enum=envtest"`
	// Metrics are compared for every scenario.
	Metrics []MetricSpec `json:"metrics,omitempty"`
	// Scenarios are the scenario files the gate runs.
	Scenarios []ScenarioRef `json:"scenarios" jsonschema:"required,minItems=1"`
}

// ScenarioRef is one scenario of a gate.
type ScenarioRef struct {
	// File is the scenario file, relative to the gate file.
	File string `json:"file" jsonschema:"required"`
	// Metrics are compared for this scenario, after the gate's own.
	Metrics []MetricSpec `json:"metrics,omitempty"`
}

// MetricSpec is one metric a gate compares.
type MetricSpec struct {
	// Metric is an expectation-language metric with its scopes, e.g.
	// latency.p99, cost.pod_seconds or service(hello).coldstarts.p50.
	Metric string `json:"metric" jsonschema:"required"`
	// Better is the direction of improvement: lower (the default) or
	// higher.
	Better string `json:"better,omitempty" jsonschema:"enum=lower,enum=higher"`
	// MinEffect is the smallest relative change that matters, as a
	// percentage (default 5%); smaller changes are unchanged even when
	// significant.
	MinEffect string `json:"minEffect,omitempty" jsonschema:"pattern=^[0-9]+(\\.[0-9]+)?%$"`
}

// Defaults of a gate file.
const (
	DefaultSeeds     = 5
	DefaultFirstSeed = 1
	DefaultAlpha     = 0.05
	DefaultMinEffect = 0.05
)

// The tests a gate can use.
const (
	PairedTest   = "wilcoxon"
	UnpairedTest = "mann-whitney"
)
