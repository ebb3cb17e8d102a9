package gate

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/knsim/knsim/sim/distribution"
	"github.com/knsim/knsim/sim/scenario"
)

// ScaleServiceTime returns a Mutate that makes every workload's service
// time factor times longer: the planted regression of the calibration.
func ScaleServiceTime(factor float64) func(*scenario.Scenario) {
	return func(sc *scenario.Scenario) {
		for name, w := range sc.Workloads {
			w.ServiceTime = scaleDistribution(w.ServiceTime, factor)
			sc.Workloads[name] = w
		}
	}
}

// scaleDistribution multiplies every draw of d by f; the zero distribution
// is the runner's default of 100ms.
func scaleDistribution(d distribution.Distribution, f float64) distribution.Distribution {
	if d.IsZero() {
		d = distribution.ConstantDuration(100 * time.Millisecond)
	}
	s := func(v distribution.Duration) distribution.Duration {
		return distribution.Duration(math.Round(float64(v) * f))
	}
	d.Value, d.Min, d.Max, d.Mean, d.StdDev = s(d.Value), s(d.Min), s(d.Max), s(d.Mean), s(d.StdDev)
	if d.Type == distribution.LogNormal {
		d.Mu += math.Log(f)
	}
	if d.Samples != nil {
		samples := make([]distribution.Duration, len(d.Samples))
		for i, v := range d.Samples {
			samples[i] = s(v)
		}
		d.Samples = samples
	}
	return d
}

// Calibration is the outcome of Calibrate.
type Calibration struct {
	Trials int
	Seeds  int
	// Plant says what the planted regression changed.
	Plant string
	// FalseAlarms counts the no-change trials that reported a regression;
	// FalseRows lists their regressing rows.
	FalseAlarms int
	FalseRows   []Row
	// Detected counts the planted-regression trials that reported one.
	Detected int
	// DetectedShuffled counts the planted-regression trials that reported
	// one when the candidate ran with other seeds than the baseline (no
	// common random numbers: the pessimistic case).
	DetectedShuffled int
	// ByMetric counts, per "scenario metric", the regressions reported in
	// each half: [no change, planted, planted with other seeds].
	ByMetric map[string]*[3]int
	// Noise holds, per "scenario metric", the |change| the no-change
	// trials estimated: the noise a minimum effect must stand above.
	Noise map[string][]float64
	// Effect holds, per "scenario metric", the change the planted trials
	// estimated on the same seeds: how much the plant really moved it.
	Effect map[string][]float64
	// Verdicts counts every row's verdict, per half of the calibration.
	NoChange, Planted map[Verdict]int
}

// Calibrate measures the gate's false-alarm rate and its power. Each of
// the trials uses its own block of K seeds (the gate's seeds are not used:
// knsim is deterministic, so re-running the same seeds on unchanged code
// gives identical values and could never raise an alarm).
//
//   - No change: baseline block t against candidate block trials+t, the same
//     code with other seeds; the pairs are therefore independent, as after a
//     change that consumes random numbers in another order. Any regression
//     is a false alarm.
//   - Planted: baseline block t against the same seeds with the plant
//     applied (every workload's service time longer, settings changed);
//     the gate should report a regression.
//
// The runs of the blocks are shared between the halves: 3 x trials x K runs
// per scenario in all. The fixed bands of bands (the committed baseline; nil
// for none) apply as they would in the gate.
func (l *Loaded) Calibrate(ctx context.Context, trials int, plant Plant, o RunOptions, log io.Writer, bands *Baseline) (*Calibration, error) {
	if plant.IsZero() {
		return nil, fmt.Errorf("calibration: the plant changes nothing")
	}
	if err := l.CheckPlant(plant); err != nil {
		return nil, err
	}
	k := l.Seeds
	block := func(b int) []uint64 {
		out := make([]uint64, k)
		for i := range out {
			out[i] = 1000 + uint64(b*k+i)
		}
		return out
	}
	var all []uint64
	for b := range 2 * trials {
		all = append(all, block(b)...)
	}
	o.Seeds = all
	fmt.Fprintf(log, "calibration: %d runs of unchanged code\n", len(all)*len(l.Scenarios))
	plain, err := l.Run(ctx, o)
	if err != nil {
		return nil, err
	}
	o.Seeds = all[:trials*k]
	o.Mutate = plant.Apply
	fmt.Fprintf(log, "calibration: %d runs with %s\n", len(o.Seeds)*len(l.Scenarios), plant)
	slow, err := l.Run(ctx, o)
	if err != nil {
		return nil, err
	}
	c := &Calibration{Trials: trials, Seeds: k, Plant: plant.String(), NoChange: map[Verdict]int{}, Planted: map[Verdict]int{}, ByMetric: map[string]*[3]int{}, Noise: map[string][]float64{}, Effect: map[string][]float64{}}
	count := func(rows []Row, half int) {
		for _, r := range rows {
			key := r.Scenario + " " + r.Metric
			if c.ByMetric[key] == nil {
				c.ByMetric[key] = &[3]int{}
			}
			if r.Verdict == Regression {
				c.ByMetric[key][half]++
			}
			if half == 0 && r.Change != nil {
				c.Noise[key] = append(c.Noise[key], math.Abs(*r.Change))
			}
			if half == 1 && r.Change != nil {
				c.Effect[key] = append(c.Effect[key], *r.Change)
			}
		}
	}
	for t := range trials {
		base := slice(plain, t*k, k)
		bl := NewBaseline(base, Provenance{}, bands)
		// The seeds differ; pair them by position, as the test is valid
		// for independent pairs too (and that is what the gate would do
		// after a change that reshuffles random numbers).
		rows := l.comparePaired(bl, slice(plain, (trials+t)*k, k))
		if Failed(rows) {
			c.FalseAlarms++
			for _, r := range rows {
				if r.Verdict == Regression {
					c.FalseRows = append(c.FalseRows, r)
				}
			}
		}
		for _, r := range rows {
			c.NoChange[r.Verdict]++
		}
		prow := l.Compare(bl, slice(slow, t*k, k))
		if Failed(prow) {
			c.Detected++
		}
		for _, r := range prow {
			c.Planted[r.Verdict]++
		}
		// The planted regression against another block's baseline.
		other := NewBaseline(slice(plain, (trials+t)*k, k), Provenance{}, bands)
		srows := l.comparePaired(other, slice(slow, t*k, k))
		if Failed(srows) {
			c.DetectedShuffled++
		}
		count(rows, 0)
		count(prow, 1)
		count(srows, 2)
	}
	return c, nil
}

// comparePaired compares as Compare does, pairing values by position even
// though the seeds differ.
func (l *Loaded) comparePaired(bl *Baseline, m *Measurements) []Row {
	m2 := *m
	m2.Seeds = bl.Provenance.Seeds
	return l.Compare(bl, &m2)
}

// slice takes the values of seeds [from, from+n) of m.
func slice(m *Measurements, from, n int) *Measurements {
	out := &Measurements{Gate: m.Gate, Seeds: m.Seeds[from : from+n]}
	for _, s := range m.Scenarios {
		sv := ScenarioValues{Name: s.Name, File: s.File, Values: map[string][]*float64{}}
		for name, v := range s.Values {
			sv.Values[name] = v[from : from+n]
		}
		out.Scenarios = append(out.Scenarios, sv)
	}
	return out
}

// WriteMarkdown writes the calibration's outcome.
func (c *Calibration) WriteMarkdown(w io.Writer) {
	pct := func(n int) string {
		return fmt.Sprintf("%d / %d (%.0f%%)", n, c.Trials, 100*float64(n)/float64(c.Trials))
	}
	fmt.Fprintf(w, "planted: %s\n\n", c.Plant)
	fmt.Fprintf(w, "| trials | seeds (K) | false regressions (no change, other seeds) | regressions found (planted, same seeds) | regressions found (planted, other seeds) |\n|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(w, "| %d | %d | %s | %s | %s |\n\n", c.Trials, c.Seeds, pct(c.FalseAlarms), pct(c.Detected), pct(c.DetectedShuffled))
	fmt.Fprintf(w, "| scenario metric | noise: median, max \\|change\\| (no change) | planted: median change | false regressions | found (same seeds) | found (other seeds) |\n|---|---:|---:|---:|---:|---:|\n")
	keys := slices.Sorted(maps.Keys(c.ByMetric))
	for _, k := range keys {
		v := c.ByMetric[k]
		noise := "–"
		if n := c.Noise[k]; len(n) > 0 {
			noise = fmt.Sprintf("%.1f%%, %.1f%%", 100*Median(n), 100*slices.Max(n))
		}
		effect := "–"
		if e := c.Effect[k]; len(e) > 0 {
			effect = fmt.Sprintf("%+.1f%%", 100*Median(e))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %d |\n", k, noise, effect, v[0], v[1], v[2])
	}
	fmt.Fprintln(w)
	for _, half := range []struct {
		name string
		v    map[Verdict]int
	}{{"no change", c.NoChange}, {"planted", c.Planted}} {
		fmt.Fprintf(w, "- %s, verdicts of all rows: %d regression, %d improvement, %d unchanged, %d inconclusive\n", half.name,
			half.v[Regression], half.v[Improvement], half.v[Unchanged], half.v[Inconclusive])
	}
	for _, r := range c.FalseRows {
		fmt.Fprintf(w, "- false regression: %s %s, change %+.1f%%, p %.3g\n", r.Scenario, r.Metric, 100**r.Change, *r.PWorse)
	}
}
