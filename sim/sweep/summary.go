package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/knsim/knsim/sim/results"
)

// ManifestFile and SummaryFile are the output folder's files besides the
// runs' results.
const (
	ManifestFile = "sweep.json"
	SummaryFile  = "summary.json"
)

// Manifest is sweep.json: what the output folder holds results of. Merge
// and WriteSummary need nothing else.
type Manifest struct {
	// Hash identifies the sweep file and scenario (File.Hash).
	Hash string `json:"hash"`
	// SweepFile and ScenarioFile are the files' paths as given.
	SweepFile    string `json:"sweepFile"`
	ScenarioFile string `json:"scenarioFile"`
	// Design is the design's type.
	Design DesignType `json:"design"`
	// Parameters name the parameters, in the file's order.
	Parameters []ParameterInfo `json:"parameters"`
	// Seeds are the seeds every point runs with.
	Seeds []uint64 `json:"seeds"`
	// Points are every point of the sweep, all shards'.
	Points []Point `json:"points"`
}

// ParameterInfo names a parameter.
type ParameterInfo struct {
	// Name is the parameter's label (Parameter.Label).
	Name string `json:"name"`
	// Path is its override path.
	Path string `json:"path"`
}

func (f *File) manifest(points []Point) *Manifest {
	m := &Manifest{Hash: f.Hash, SweepFile: f.Path, ScenarioFile: f.ScenarioPath(), Design: f.design(), Seeds: f.Seeds, Points: points}
	for _, p := range f.Parameters {
		m.Parameters = append(m.Parameters, ParameterInfo{Name: p.Label(), Path: p.Path})
	}
	return m
}

// prepareOut makes the output folder and writes sweep.json, or checks that
// the folder already belongs to this sweep.
func prepareOut(out string, m *Manifest) error {
	if err := os.MkdirAll(filepath.Join(out, "points"), 0o755); err != nil {
		return err
	}
	old, err := readManifest(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case old.Hash != m.Hash:
		return fmt.Errorf("%s holds the results of another sweep (%s, %s): the sweep file or its scenario changed; use another --out, or remove the folder to start over",
			out, old.SweepFile, old.Hash)
	}
	return writeJSON(filepath.Join(out, ManifestFile), m)
}

func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil || m.Hash == "" {
		return nil, fmt.Errorf("%s: not a knsim sweep manifest", filepath.Join(dir, ManifestFile))
	}
	return m, nil
}

// writeJSON writes v as indented JSON atomically, unless the file holds
// it already (a rerun that runs nothing changes nothing).
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, b) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Summary is summary.json: every point's values, seeds and key metrics.
type Summary struct {
	// Hash identifies the sweep (Manifest.Hash).
	Hash string `json:"hash"`
	// Scenario is the scenario's name.
	Scenario string `json:"scenario"`
	// Design is the design's type.
	Design DesignType `json:"design"`
	// Parameters name the parameters; each point's Values follow them.
	Parameters []ParameterInfo `json:"parameters"`
	// Seeds are the seeds every point runs with.
	Seeds []uint64 `json:"seeds"`
	// Points are the points with at least one finished run, by index.
	Points []PointSummary `json:"points"`
	// Missing lists the points with runs not done yet.
	Missing []int `json:"missing,omitempty"`
}

// PointSummary is one point's runs and their mean.
type PointSummary struct {
	// Index is the point's index (Point.Index).
	Index int `json:"index"`
	// Values are the parameters' values, in Summary.Parameters' order.
	Values []Value `json:"values"`
	// Mean averages the runs' metrics.
	Mean Metrics `json:"mean"`
	// Passed is true when every run met the scenario's expectations.
	Passed bool         `json:"passed"`
	Runs   []RunSummary `json:"runs"`
}

// RunSummary is one run of a point.
type RunSummary struct {
	// Seed is the run's seed.
	Seed uint64 `json:"seed"`
	// File is the run's results JSON, relative to the output folder.
	File string `json:"file"`
	// Passed is true when the run met the scenario's expectations.
	Passed bool `json:"passed"`
	// Metrics are the run's own figures.
	Metrics Metrics `json:"metrics"`
}

// Metrics are the figures capacity planning compares.
type Metrics struct {
	// Cost is the pods' price (results cost.total).
	Cost float64 `json:"cost"`
	// P50Ms and P99Ms are request latency percentiles in milliseconds.
	P50Ms float64 `json:"p50Ms"`
	P99Ms float64 `json:"p99Ms"`
	// ColdStarts counts cold starts; ColdStartRate is per request.
	ColdStarts    float64 `json:"coldStarts"`
	ColdStartRate float64 `json:"coldStartRate"`
	// MaxPods is the most pods at once; PodSeconds their total life.
	MaxPods    float64 `json:"maxPods"`
	PodSeconds float64 `json:"podSeconds"`
	// IdleGiBSeconds is the memory of Ready pods not serving a request,
	// integrated over time (results cost.idleGibSeconds).
	IdleGiBSeconds float64 `json:"idleGibSeconds"`
	// Requests and Errors count the requests sent and those that failed.
	Requests float64 `json:"requests"`
	Errors   float64 `json:"errors"`
}

func metricsOf(r *results.Results) Metrics {
	m := Metrics{
		Cost: r.Cost.Total, P50Ms: r.Requests.Latency.P50, P99Ms: r.Requests.Latency.P99,
		ColdStarts: float64(r.ColdStarts.Count), MaxPods: float64(r.Pods.Max), PodSeconds: r.Cost.PodSeconds,
		IdleGiBSeconds: r.Cost.IdleGiBSeconds,
		Requests:       float64(r.Requests.Total), Errors: float64(r.Requests.Errors),
	}
	if r.Requests.Total > 0 {
		m.ColdStartRate = round6(float64(r.ColdStarts.Count) / float64(r.Requests.Total))
	}
	return m
}

// mean averages metrics field by field, in run order.
func mean(ms []Metrics) Metrics {
	var s Metrics
	for _, m := range ms {
		s.Cost += m.Cost
		s.P50Ms += m.P50Ms
		s.P99Ms += m.P99Ms
		s.ColdStarts += m.ColdStarts
		s.ColdStartRate += m.ColdStartRate
		s.MaxPods += m.MaxPods
		s.PodSeconds += m.PodSeconds
		s.IdleGiBSeconds += m.IdleGiBSeconds
		s.Requests += m.Requests
		s.Errors += m.Errors
	}
	n := float64(len(ms))
	return Metrics{
		Cost: round6(s.Cost / n), P50Ms: round6(s.P50Ms / n), P99Ms: round6(s.P99Ms / n),
		ColdStarts: round6(s.ColdStarts / n), ColdStartRate: round6(s.ColdStartRate / n), MaxPods: round6(s.MaxPods / n),
		PodSeconds: round6(s.PodSeconds / n), IdleGiBSeconds: round6(s.IdleGiBSeconds / n), Requests: round6(s.Requests / n), Errors: round6(s.Errors / n),
	}
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// WriteSummary builds summary.json from an output folder's sweep.json and
// results files, in point order: the same runs give the same bytes
// however many workers or shards made them.
func WriteSummary(out string) (*Summary, error) {
	m, err := readManifest(out)
	if err != nil {
		return nil, err
	}
	s := &Summary{Hash: m.Hash, Design: m.Design, Parameters: m.Parameters, Seeds: m.Seeds, Points: []PointSummary{}}
	for _, pt := range m.Points {
		ps := PointSummary{Index: pt.Index, Values: pt.Values, Passed: true}
		var ms []Metrics
		for _, seed := range m.Seeds {
			rel := RunFile(pt.Index, seed)
			r, err := results.Read(filepath.Join(out, rel))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			s.Scenario = r.Scenario.Name
			rm := metricsOf(r)
			ms = append(ms, rm)
			ps.Passed = ps.Passed && r.Passed
			ps.Runs = append(ps.Runs, RunSummary{Seed: seed, File: filepath.ToSlash(rel), Passed: r.Passed, Metrics: rm})
		}
		if len(ms) < len(m.Seeds) {
			s.Missing = append(s.Missing, pt.Index)
		}
		if len(ms) == 0 {
			continue
		}
		ps.Mean = mean(ms)
		s.Points = append(s.Points, ps)
	}
	return s, writeJSON(filepath.Join(out, SummaryFile), s)
}

// Merge joins the output folders of a sweep's shards into out (which may
// be one of them): every folder must hold the same sweep; the runs'
// results files are copied, and summary.json is written from them.
func Merge(out string, dirs ...string) (*Summary, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no folders to merge")
	}
	var m *Manifest
	for _, d := range dirs {
		dm, err := readManifest(d)
		if err != nil {
			return nil, err
		}
		if m != nil && dm.Hash != m.Hash {
			return nil, fmt.Errorf("%s holds another sweep (%s) than %s (%s)", d, dm.Hash, dirs[0], m.Hash)
		}
		m = dm
	}
	if err := prepareOut(out, m); err != nil {
		return nil, err
	}
	for _, d := range dirs {
		for _, pt := range m.Points {
			for _, seed := range m.Seeds {
				if err := copyRun(d, out, RunFile(pt.Index, seed)); err != nil {
					return nil, err
				}
			}
		}
	}
	return WriteSummary(out)
}

// copyRun copies one results file from a shard's folder into out, unless
// it is the same folder; a run present in both must be byte-identical.
func copyRun(from, out, rel string) error {
	src, dst := filepath.Join(from, rel), filepath.Join(out, rel)
	b, err := os.ReadFile(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if have, err := os.ReadFile(dst); err == nil {
		if !bytes.Equal(have, b) {
			return fmt.Errorf("%s and %s differ: the same run gave other results", src, dst)
		}
		return nil
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
