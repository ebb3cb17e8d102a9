package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/knsim/knsim/sim/scenario"
)

// File is a sweep file.
type File struct {
	// Scenario is the scenario file the sweep varies, relative to the
	// sweep file.
	Scenario string `json:"scenario" jsonschema:"required"`
	// Design says how points are chosen from the parameters (default grid).
	Design Design `json:"design,omitzero"`
	// Seeds are the seeds every point runs with (default: the scenario's
	// own seed only). Results of several seeds are averaged in the summary.
	Seeds []uint64 `json:"seeds,omitempty"`
	// Parameters are the settings varied, at least one.
	Parameters []Parameter `json:"parameters" jsonschema:"required,minItems=1"`

	// Path is where the file was read from; Dir resolves Scenario.
	Path string `json:"-"`
	// Hash identifies the sweep: the bytes of the sweep file, the scenario
	// and the files it reads. A folder of results belongs to one hash.
	Hash string `json:"-"`
	// scenarioData is the scenario file, parsed anew for every point.
	scenarioData []byte
	limits       scenario.Limits
	pos          *scenario.Positions
}

// Design chooses the points.
type Design struct {
	// Type is grid (every combination of the parameters' values), random
	// (independent uniform draws), lhs (a Latin hypercube: each
	// parameter's range cut into as many strata as points, each stratum
	// used once) or zip (point i takes every parameter's i-th value: a
	// table of variants, such as scaling policies with their own settings).
	Type DesignType `json:"type,omitempty" jsonschema:"enum=grid,enum=random,enum=lhs,enum=zip"`
	// Points is how many points random and lhs draw (required for them;
	// grid has as many as the combinations).
	Points int `json:"points,omitempty" jsonschema:"minimum=1"`
	// Seed seeds random and lhs draws (default 1): the same file gives the
	// same points.
	Seed uint64 `json:"seed,omitempty"`
}

// DesignType names a design.
type DesignType string

// The designs.
const (
	// Grid runs every combination of the parameters' values.
	Grid DesignType = "grid"
	// Random draws every parameter independently and uniformly.
	Random DesignType = "random"
	// LHS draws a Latin hypercube.
	LHS DesignType = "lhs"
	// Zip pairs the parameters' value lists: point i takes every
	// parameter's i-th value.
	Zip DesignType = "zip"
)

// Parameter is one setting varied by the sweep.
type Parameter struct {
	// Path names the setting: services[NAME].annotations[KEY],
	// configmaps[NAME].KEY or a scenario field path such as
	// cluster.nodes[0].count (docs/sweep.md lists them). NAME may be * for
	// every Knative Service.
	Path string `json:"path" jsonschema:"required"`
	// Name labels the parameter in the summary (default: Path).
	Name string `json:"name,omitempty"`
	// Values are the values to try, as they would be written in the
	// scenario or manifest ("10", "50ms", "2Gi", "kpa.autoscaling.knative.dev").
	Values []Value `json:"values,omitempty"`
	// Range is a continuous range, for parameters without Values.
	Range *Range `json:"range,omitempty"`
}

// Label is the parameter's name in the summary.
func (p Parameter) Label() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Path
}

// Value is a parameter value as written in YAML: a string, number or
// boolean, kept as its text.
type Value string

// Range is a range of numbers, durations ("50ms") or Kubernetes quantities
// ("500m", "2Gi"); Min and Max are of the same kind.
type Range struct {
	// Min is the lowest value.
	Min Value `json:"min" jsonschema:"required"`
	// Max is the highest value, at least Min.
	Max Value `json:"max" jsonschema:"required"`
	// Steps is how many evenly spaced values a grid takes from the range,
	// Min and Max included (at least 2; required for grid).
	Steps int `json:"steps,omitempty" jsonschema:"minimum=2"`
	// Scale is linear (default) or log (evenly spaced logarithms, for
	// ranges over orders of magnitude; Min must be positive).
	Scale string `json:"scale,omitempty" jsonschema:"enum=linear,enum=log"`
	// Integer rounds the values to whole numbers (or whole milli-units and
	// bytes for quantities, nanoseconds for durations: always).
	Integer bool `json:"integer,omitempty"`
}

// MaxPoints bounds the points of a sweep, so that a grid written by
// mistake with too many values fails at once.
const MaxPoints = 100000

// Load reads and checks a sweep file and its scenario: the file's
// structure, the design, every parameter's values, and every point's
// overrides applied to the scenario and validated. Errors read
// "file:line:column: path: message".
func Load(path string) (*File, error) { return LoadWith(path, scenario.Limits{}) }

// LoadWith is Load with other limits for the scenario than the default.
func LoadWith(path string, l scenario.Limits) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &File{}
	pos, err := scenario.DecodeYAML(path, "sweep file", data, f)
	if err != nil {
		return nil, err
	}
	f.Path, f.pos = path, pos
	var errs scenario.ErrorList
	errs = append(errs, f.check()...)
	if len(errs) == 0 {
		errs = append(errs, f.loadScenario(data, l)...)
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return f, nil
}

// check validates the file's own fields.
func (f *File) check() scenario.ErrorList {
	var errs scenario.ErrorList
	bad := func(path, format string, args ...any) { errs = append(errs, f.pos.Errorf(path, format, args...)) }
	if f.Scenario == "" {
		bad("scenario", "the scenario file is required")
	}
	switch f.Design.Type {
	case "", Grid:
		if f.Design.Points != 0 {
			bad("design.points", "a grid has as many points as combinations; points is for random and lhs")
		}
	case Random, LHS:
		if f.Design.Points < 1 || f.Design.Points > MaxPoints {
			bad("design.points", "%s needs points, between 1 and %d", f.Design.Type, MaxPoints)
		}
	case Zip:
		if f.Design.Points != 0 {
			bad("design.points", "zip has as many points as each parameter has values; points is for random and lhs")
		}
		for i, p := range f.Parameters {
			switch {
			case p.Range != nil:
				bad(fmt.Sprintf("parameters[%d].range", i), "zip pairs listed values: give values, not a range")
			case len(p.Values) != len(f.Parameters[0].Values):
				bad(fmt.Sprintf("parameters[%d].values", i), "zip pairs the parameters' values: %d values here, %d in parameters[0]",
					len(p.Values), len(f.Parameters[0].Values))
			}
		}
	default:
		bad("design.type", "expected grid, random, lhs or zip, got %q", f.Design.Type)
	}
	if len(f.Parameters) == 0 {
		bad("parameters", "at least one parameter is required")
	}
	seen := map[string]int{}
	for i, p := range f.Parameters {
		at := fmt.Sprintf("parameters[%d]", i)
		if p.Path == "" {
			bad(at+".path", "the path is required")
		} else if _, err := parsePath(p.Path); err != nil {
			bad(at+".path", "%v", err)
		}
		if j, dup := seen[p.Label()]; dup {
			bad(at, "parameter %q is also parameters[%d]", p.Label(), j)
		}
		seen[p.Label()] = i
		switch {
		case len(p.Values) > 0 && p.Range != nil:
			bad(at, "give values or range, not both")
		case len(p.Values) == 0 && p.Range == nil:
			bad(at, "give values or range")
		case p.Range != nil:
			if _, err := p.Range.parse(); err != nil {
				bad(at+".range", "%v", err)
			} else if f.design() == Grid && p.Range.Steps < 2 {
				bad(at+".range.steps", "a grid needs steps (at least 2) to take values from a range")
			}
		}
	}
	if n := gridSize(f); f.design() == Grid && n > MaxPoints {
		bad("parameters", "the grid has %d points, more than %d", n, MaxPoints)
	}
	if slices.Contains(f.Seeds, 0) {
		bad("seeds", "seeds are positive (0 means the default)")
	}
	for i, s := range f.Seeds {
		if j := slices.Index(f.Seeds, s); j < i {
			bad(fmt.Sprintf("seeds[%d]", i), "seed %d is also seeds[%d]", s, j)
		}
	}
	return errs
}

func (f *File) design() DesignType {
	if f.Design.Type == "" {
		return Grid
	}
	return f.Design.Type
}

// loadScenario reads the scenario, hashes the sweep, and builds every
// point once to validate its overrides.
func (f *File) loadScenario(sweepData []byte, l scenario.Limits) scenario.ErrorList {
	sp := f.ScenarioPath()
	data, err := os.ReadFile(sp)
	if err != nil {
		return scenario.ErrorList{f.pos.Errorf("scenario", "cannot read the scenario: %v", err)}
	}
	f.scenarioData = data
	sc, err := scenario.ParseWith(sp, data, filepath.Dir(sp), l)
	if err != nil {
		return scenario.ErrorList{f.pos.Errorf("scenario", "the scenario does not load:\n%v", err)}
	}
	if f.Hash, err = hashSweep(sweepData, data, sc); err != nil {
		return scenario.ErrorList{f.pos.Errorf("scenario", "%v", err)}
	}
	if sc.Metadata.Mode == scenario.Real {
		return scenario.ErrorList{f.pos.Errorf("scenario", "a sweep runs in virtual time; %s is a real-mode scenario", sp)}
	}
	f.limits = l
	if len(f.Seeds) == 0 {
		f.Seeds = []uint64{sc.Metadata.Seed}
	}
	var errs scenario.ErrorList
	for i, p := range f.Parameters {
		o, _ := parsePath(p.Path)
		if err := o.check(sc); err != nil {
			errs = append(errs, f.pos.Errorf(fmt.Sprintf("parameters[%d].path", i), "%v", err))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	points, err := f.Points()
	if err != nil {
		return scenario.ErrorList{f.pos.Errorf("parameters", "%v", err)}
	}
	for _, pt := range points {
		if _, err := f.ScenarioFor(pt); err != nil {
			var pe *paramError
			if errors.As(err, &pe) {
				errs = append(errs, f.pos.Errorf(fmt.Sprintf("parameters[%d]", pe.param), "%v", pe.err))
			} else {
				errs = append(errs, f.pos.Errorf("parameters", "%v", err))
			}
			if len(errs) >= scenario.MaxErrors {
				break
			}
		}
	}
	return dedupe(errs)
}

// hashSweep identifies a sweep by the bytes of the sweep file, the
// scenario and the files the scenario reads (manifests, traces): a
// results folder of another version of any of them is not resumed.
func hashSweep(sweepData, scenarioData []byte, sc *scenario.Scenario) (string, error) {
	sum := sha256.New()
	add := func(b []byte) {
		fmt.Fprintf(sum, "%d\n", len(b))
		sum.Write(b)
	}
	add(sweepData)
	add(scenarioData)
	var files []string
	for _, m := range sc.Manifests {
		if m.File != "" {
			files = append(files, m.File)
		}
	}
	for _, t := range sc.Traffic {
		if t.Trace != nil && t.Trace.File != "" {
			files = append(files, t.Trace.File)
		}
	}
	for _, e := range sc.Events {
		if e.Trace != nil && e.Trace.File != "" {
			files = append(files, e.Trace.File)
		}
	}
	for _, rel := range files {
		b, err := os.ReadFile(sc.Path(rel))
		if err != nil {
			return "", err
		}
		add(b)
	}
	return hex.EncodeToString(sum.Sum(nil))[:16], nil
}

// ScenarioPath is the scenario file's path, resolved against the sweep
// file's folder.
func (f *File) ScenarioPath() string {
	if filepath.IsAbs(f.Scenario) {
		return f.Scenario
	}
	return filepath.Join(filepath.Dir(f.Path), f.Scenario)
}

// ScenarioFor parses the scenario anew and applies a point's overrides:
// every run gets its own scenario, as runner.Run changes the one it is
// given, and parsing is cheaper than any run.
func (f *File) ScenarioFor(pt Point) (*scenario.Scenario, error) {
	sp := f.ScenarioPath()
	sc, err := scenario.ParseWith(sp, f.scenarioData, filepath.Dir(sp), f.limits)
	if err != nil {
		return nil, err
	}
	for i, p := range f.Parameters {
		o, err := parsePath(p.Path)
		if err != nil {
			return nil, &paramError{i, err}
		}
		if err := o.apply(sc, string(pt.Values[i])); err != nil {
			return nil, &paramError{i, fmt.Errorf("value %q: %w", pt.Values[i], err)}
		}
	}
	if err := checkStack(sc); err != nil {
		return nil, fmt.Errorf("point %d (%s): %v", pt.Index, f.describe(pt), err)
	}
	if err := sc.Validate(); err != nil {
		var list scenario.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			// Blame the parameter that set the field, when one did.
			for i, p := range f.Parameters {
				if e := list[0]; e.Path == p.Path || strings.HasPrefix(e.Path, p.Path+".") {
					return nil, &paramError{i, fmt.Errorf("value %q: %s", pt.Values[i], e.Msg)}
				}
			}
		}
		return nil, fmt.Errorf("point %d (%s): the scenario is no longer valid: %v", pt.Index, f.describe(pt), err)
	}
	return sc, nil
}

// describe lists a point's values, "name=value, ...".
func (f *File) describe(pt Point) string {
	parts := make([]string, len(f.Parameters))
	for i, p := range f.Parameters {
		parts[i] = p.Label() + "=" + string(pt.Values[i])
	}
	return strings.Join(parts, ", ")
}

// paramError is a problem with one parameter's value.
type paramError struct {
	param int
	err   error
}

func (e *paramError) Error() string { return e.err.Error() }

func sortErrors(errs scenario.ErrorList) {
	slices.SortStableFunc(errs, func(a, b *scenario.Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// dedupe drops repeated messages (a bad value fails every point it is in).
func dedupe(errs scenario.ErrorList) scenario.ErrorList {
	seen := map[string]bool{}
	var out scenario.ErrorList
	for _, e := range errs {
		if s := e.Error(); !seen[s] {
			seen[s] = true
			out = append(out, e)
		}
	}
	return out
}
