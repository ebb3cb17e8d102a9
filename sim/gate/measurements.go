package gate

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/knsim/knsim/sim/results"
)

// Measurements are a gate's metric values over its seeds.
type Measurements struct {
	// Gate is the gate's name.
	Gate string `json:"gate"`
	// Seeds are the seeds every scenario ran with, in order.
	Seeds []uint64 `json:"seeds"`
	// Scenarios are in the gate file's order.
	Scenarios []ScenarioValues `json:"scenarios"`
}

// ScenarioValues are one scenario's metric values.
type ScenarioValues struct {
	// Name is the scenario's metadata.name.
	Name string `json:"name"`
	// File is the scenario file as the gate names it.
	File string `json:"file"`
	// Values holds, per metric (canonical text), one value per seed (nil:
	// no data in that run).
	Values map[string][]*float64 `json:"values"`
}

// Measure reads the gate's metrics from the runs of one scenario, one
// results per seed in seed order.
func Measure(l *Loaded, i int, runs []*results.Results) (ScenarioValues, error) {
	sv := ScenarioValues{File: l.Scenarios[i].File, Values: map[string][]*float64{}}
	for k, r := range runs {
		if k == 0 {
			sv.Name = r.Scenario.Name
		}
		for _, m := range l.Metrics[i] {
			v, ok, err := Value(r, m)
			if err != nil {
				return sv, fmt.Errorf("%s (seed %d): %w", sv.File, r.Scenario.Seed, err)
			}
			var p *float64
			if ok {
				p = &v
			}
			sv.Values[m.Name()] = append(sv.Values[m.Name()], p)
		}
	}
	return sv, nil
}

// writeJSON stores v as indented JSON.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
