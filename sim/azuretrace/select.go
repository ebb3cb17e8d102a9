package azuretrace

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Window is a span of minutes of the day, numbered from 1 and inclusive,
// as the invocation file's columns are.
type Window struct {
	From, To int
}

// WholeDay is minutes 1 to 1440.
var WholeDay = Window{From: 1, To: MinutesPerDay}

// ParseWindow parses "A-B" (1 <= A <= B <= 1440).
func ParseWindow(s string) (Window, error) {
	a, b, ok := strings.Cut(s, "-")
	from, errA := strconv.Atoi(strings.TrimSpace(a))
	to, errB := strconv.Atoi(strings.TrimSpace(b))
	if !ok || errA != nil || errB != nil {
		return Window{}, fmt.Errorf("minutes: expected A-B, two minutes of the day from 1 to %d (e.g. 601-660), got %q", MinutesPerDay, s)
	}
	w := Window{From: from, To: to}
	return w, w.Validate()
}

// Validate checks 1 <= From <= To <= 1440.
func (w Window) Validate() error {
	if w.From < 1 || w.To > MinutesPerDay || w.From > w.To {
		return fmt.Errorf("minutes: expected A-B with 1 <= A <= B <= %d, got %d-%d", MinutesPerDay, w.From, w.To)
	}
	return nil
}

// Minutes is the window's length in minutes.
func (w Window) Minutes() int { return w.To - w.From + 1 }

// String is "A-B".
func (w Window) String() string { return fmt.Sprintf("%d-%d", w.From, w.To) }

// Function is one function of the dataset with everything a scenario
// needs: its day of counts, its execution times and its app's memory.
type Function struct {
	Owner, App, Function, Trigger string
	// PerMinute holds the day's counts: the sum of the function's rows
	// when the invocation file has several.
	PerMinute []int32
	// Line is the function's first row in the invocation file.
	Line int
	// Durations is the function's row of the durations file.
	Durations Durations
	// Memory is its app's row of the memory file.
	Memory Memory
	// AppFunctions is the number of functions of its app in the
	// invocation file, over which the app's memory is split.
	AppFunctions int
	// Invocations is the count in the population's window.
	Invocations int
}

// ExecTime is the function's fitted execution time (FitExecTime of its
// p50 and p99).
func (f *Function) ExecTime() ExecTime { return FitExecTime(f.Durations.P50, f.Durations.P99) }

// MemoryMi is the function's memory request: its share of its app's
// average allocated memory (MemoryPerFunction).
func (f *Function) MemoryMi() int { return MemoryPerFunction(f.Memory.Average, f.AppFunctions) }

// Population is the functions of a day that a scenario can replay in a
// window, and what was left out.
type Population struct {
	// Window is the span of minutes the counts are taken over.
	Window Window
	// Functions are in the invocation file's order.
	Functions []Function
	// Rows is the number of rows of the invocation file.
	Rows int
	// Merged is the number of rows added to an earlier row of the same
	// HashFunction (the dataset repeats a few functions, once per trigger).
	Merged int
	// NoDurations and NoMemory count the functions left out for want of
	// a row in the durations file or of their app in the memory file.
	NoDurations, NoMemory int
	// Idle counts the functions left out because they are never invoked
	// in the window.
	Idle int
}

// Population joins the day's three files into the functions that have
// execution times, app memory and at least one invocation in w. Rows of
// one HashFunction are summed into its first; the durations row of a
// function and the memory row of an app are the first of theirs.
func (d *Day) Population(w Window) (*Population, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	p := &Population{Window: w, Rows: len(d.Invocations)}
	byFunction := map[string]int{}
	merged := map[int]bool{} // functions whose counts are a copy, summed into
	var all []Function
	for _, row := range d.Invocations {
		if i, ok := byFunction[row.Function]; ok {
			if !merged[i] {
				all[i].PerMinute, merged[i] = slices.Clone(all[i].PerMinute), true
			}
			for m, n := range row.PerMinute {
				all[i].PerMinute[m] += n
			}
			p.Merged++
			continue
		}
		byFunction[row.Function] = len(all)
		all = append(all, Function{Owner: row.Owner, App: row.App, Function: row.Function, Trigger: row.Trigger,
			PerMinute: row.PerMinute, Line: row.Line})
	}
	durations := map[string]Durations{}
	for _, r := range d.Durations {
		if _, ok := durations[r.Function]; !ok {
			durations[r.Function] = r
		}
	}
	memory := map[string]Memory{}
	for _, r := range d.Memory {
		if _, ok := memory[r.App]; !ok {
			memory[r.App] = r
		}
	}
	appFunctions := map[string]int{}
	for _, f := range all {
		appFunctions[f.App]++
	}
	for _, f := range all {
		dur, okD := durations[f.Function]
		mem, okM := memory[f.App]
		for _, n := range f.PerMinute[w.From-1 : w.To] {
			f.Invocations += int(n)
		}
		switch {
		case !okD:
			p.NoDurations++
		case !okM:
			p.NoMemory++
		case f.Invocations == 0:
			p.Idle++
		default:
			f.Durations, f.Memory, f.AppFunctions = dur, mem, appFunctions[f.App]
			p.Functions = append(p.Functions, f)
		}
	}
	if len(p.Functions) == 0 {
		return nil, fmt.Errorf("%s: no function has a row in %s, its app in %s and an invocation in minutes %s (%s)",
			filepath.Base(d.Files[0]), filepath.Base(d.Files[1]), filepath.Base(d.Files[2]), w, p.Dropped())
	}
	return p, nil
}

// Dropped says what was left out, e.g. "3 without durations, 0 without
// app memory, 5 idle in the window, 1 row merged".
func (p *Population) Dropped() string {
	return fmt.Sprintf("%d without durations, %d without app memory, %d idle in the window, %d repeated rows merged",
		p.NoDurations, p.NoMemory, p.Idle, p.Merged)
}

// Top returns the n functions with the most invocations in the window
// (ties: the earlier row first), in the population's order.
func (p *Population) Top(n int) ([]Function, error) {
	if n < 1 {
		return nil, fmt.Errorf("top: expected a positive number of functions, got %d", n)
	}
	idx := make([]int, len(p.Functions))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(p.Functions[b].Invocations, p.Functions[a].Invocations)
	})
	return p.pick(idx[:min(n, len(idx))]), nil
}

// pick returns the functions at idx in the population's order.
func (p *Population) pick(idx []int) []Function {
	idx = slices.Clone(idx)
	slices.Sort(idx)
	out := make([]Function, len(idx))
	for k, i := range idx {
		out[k] = p.Functions[i]
	}
	return out
}

// Distances are how far a selection's per-function distributions are from
// the population's: first Wasserstein distances between the log10 of the
// invocation rates (per minute of the window) and between the log10 of
// the average execution times (milliseconds, at least MinExecMs).
type Distances struct {
	Rate, Duration float64
}

// Sum is the distance a sample minimises.
func (d Distances) Sum() float64 { return d.Rate + d.Duration }

// features are a function's two compared values.
func (p *Population) features(f *Function) (rate, duration float64) {
	return math.Log10(float64(f.Invocations) / float64(p.Window.Minutes())),
		math.Log10(math.Max(f.Durations.Average, MinExecMs))
}

// Distance measures fns (a selection of the population) against the
// population.
func (p *Population) Distance(fns []Function) Distances {
	popRate, popDur := p.sortedFeatures()
	rate, dur := make([]float64, len(fns)), make([]float64, len(fns))
	for i := range fns {
		rate[i], dur[i] = p.features(&fns[i])
	}
	if len(fns) == 0 {
		return Distances{Rate: math.NaN(), Duration: math.NaN()}
	}
	slices.Sort(rate)
	slices.Sort(dur)
	return Distances{Rate: wassersteinSorted(rate, popRate), Duration: wassersteinSorted(dur, popDur)}
}

// sortedFeatures are the population's rates and durations, each sorted.
func (p *Population) sortedFeatures() (rate, duration []float64) {
	rate, duration = make([]float64, len(p.Functions)), make([]float64, len(p.Functions))
	for i := range p.Functions {
		rate[i], duration[i] = p.features(&p.Functions[i])
	}
	slices.Sort(rate)
	slices.Sort(duration)
	return rate, duration
}

// SampleCandidates is the number of random subsets Sample compares.
const SampleCandidates = 1000

// Sample picks n representative functions as the In-Vitro sampler does:
// it draws SampleCandidates random subsets of n functions (without
// replacement, from one stream seeded by seed) and keeps the one whose
// Distances to the population sum the least (ties: the first drawn). It
// returns them in the population's order, with their distances. With n at
// least the population's size, it returns the whole population.
func (p *Population) Sample(n int, seed uint64) ([]Function, Distances, error) {
	if n < 1 {
		return nil, Distances{}, errors.New("sample: expected a positive number of functions, got " + strconv.Itoa(n))
	}
	if n >= len(p.Functions) {
		all := slices.Clone(p.Functions)
		return all, p.Distance(all), nil
	}
	popRate, popDur := p.sortedFeatures()
	rate, dur := make([]float64, len(p.Functions)), make([]float64, len(p.Functions))
	for i := range p.Functions {
		rate[i], dur[i] = p.features(&p.Functions[i])
	}
	r := rand.New(rand.NewPCG(seed, 0x5a3e_c0de))
	perm := make([]int, len(p.Functions))
	for i := range perm {
		perm[i] = i
	}
	sRate, sDur := make([]float64, n), make([]float64, n)
	var best []int
	bestD := Distances{Rate: math.Inf(1), Duration: math.Inf(1)}
	for range SampleCandidates {
		// a partial Fisher-Yates shuffle: perm[:n] is a uniform n-subset.
		for i := range n {
			j := i + r.IntN(len(perm)-i)
			perm[i], perm[j] = perm[j], perm[i]
		}
		for k, i := range perm[:n] {
			sRate[k], sDur[k] = rate[i], dur[i]
		}
		slices.Sort(sRate)
		slices.Sort(sDur)
		d := Distances{Rate: wassersteinSorted(sRate, popRate), Duration: wassersteinSorted(sDur, popDur)}
		if d.Sum() < bestD.Sum() {
			best, bestD = slices.Clone(perm[:n]), d
		}
	}
	return p.pick(best), bestD, nil
}
