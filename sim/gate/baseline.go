package gate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Baseline is what a gate compares with: per scenario and metric, the
// values of K seeds measured on a known-good commit, or a fixed band.
type Baseline struct {
	// Gate is the gate's name.
	Gate string `json:"gate"`
	// Provenance says where the values came from.
	Provenance Provenance `json:"provenance"`
	// Scenarios are keyed by scenario name.
	Scenarios map[string]*BaselineScenario `json:"scenarios"`
}

// Provenance records how a baseline was measured.
type Provenance struct {
	// Commit is `git rev-parse HEAD` where it was measured ("" outside git).
	Commit string `json:"commit,omitempty"`
	// Date is when, in RFC 3339.
	Date string `json:"date,omitempty"`
	// KnsimVersion is the knsim build (module version and VCS revision).
	KnsimVersion string `json:"knsimVersion,omitempty"`
	// Seeds are the seeds each scenario ran with.
	Seeds []uint64 `json:"seeds"`
	// ControlPlane is the control plane the runs used ("" as each file says).
	ControlPlane string `json:"controlPlane,omitempty"`
}

// BaselineScenario holds one scenario's baseline metrics.
type BaselineScenario struct {
	// File is the scenario file, as the gate names it.
	File string `json:"file,omitempty"`
	// Metrics are keyed by the metric's canonical text.
	Metrics map[string]*BaselineMetric `json:"metrics"`
}

// BaselineMetric is either measured values or a fixed band.
type BaselineMetric struct {
	// Values holds one value per seed of Provenance.Seeds, in seconds for
	// durations; null where that run had no data.
	Values []*float64 `json:"values,omitempty"`
	// Range, when set, gates the metric by fixed bounds instead of a test
	// against Values; --update-baseline keeps it as written.
	Range *Range `json:"range,omitempty"`
}

// Range is a fixed band for a metric, each bound with where it came from.
type Range struct {
	// Min is the lowest acceptable median over the seeds (none when null).
	Min *float64 `json:"min,omitempty"`
	// MinSource says where Min came from, e.g. a Knative threshold.
	MinSource string `json:"minSource,omitempty"`
	// Max is the highest acceptable median over the seeds (none when null).
	Max *float64 `json:"max,omitempty"`
	// MaxSource says where Max came from.
	MaxSource string `json:"maxSource,omitempty"`
}

// ReadBaseline loads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var bl Baseline
	if err := json.Unmarshal(b, &bl); err != nil {
		return nil, fmt.Errorf("%s: not a gate baseline: %w", path, err)
	}
	for name, s := range bl.Scenarios {
		for m, v := range s.Metrics {
			switch {
			case v == nil:
				return nil, fmt.Errorf("%s: scenarios.%s.metrics[%q] is empty: give values or range", path, name, m)
			case v.Range != nil && v.Range.Min == nil && v.Range.Max == nil:
				return nil, fmt.Errorf("%s: scenarios.%s.metrics[%q].range has neither min nor max", path, name, m)
			case v.Range != nil && v.Range.Min != nil && v.Range.Max != nil && *v.Range.Min > *v.Range.Max:
				return nil, fmt.Errorf("%s: scenarios.%s.metrics[%q].range: min %v is above max %v", path, name, m, *v.Range.Min, *v.Range.Max)
			case v.Range == nil && len(v.Values) != len(bl.Provenance.Seeds):
				return nil, fmt.Errorf("%s: scenarios.%s.metrics[%q] has %d values for %d seeds", path, name, m, len(v.Values), len(bl.Provenance.Seeds))
			}
		}
	}
	return &bl, nil
}

// Write stores b as indented JSON (keys sorted, so a re-measured baseline
// diffs cleanly), creating the folder.
func (b *Baseline) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// NewBaseline turns measurements into a baseline; the fixed bands of old
// (nil for none) are kept, since they are written by hand.
func NewBaseline(m *Measurements, p Provenance, old *Baseline) *Baseline {
	p.Seeds = slices.Clone(m.Seeds)
	b := &Baseline{Gate: m.Gate, Provenance: p, Scenarios: map[string]*BaselineScenario{}}
	for _, s := range m.Scenarios {
		bs := &BaselineScenario{File: s.File, Metrics: map[string]*BaselineMetric{}}
		for name, vals := range s.Values {
			bm := &BaselineMetric{Values: vals}
			if old != nil && old.Scenarios[s.Name] != nil {
				if o := old.Scenarios[s.Name].Metrics[name]; o != nil && o.Range != nil {
					bm = &BaselineMetric{Range: o.Range}
				}
			}
			bs.Metrics[name] = bm
		}
		b.Scenarios[s.Name] = bs
	}
	return b
}
