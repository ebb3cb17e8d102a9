package azuretrace

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/knsim/knsim/sim/fleet"
	"github.com/knsim/knsim/sim/traffic"
)

// Service names: "fn-" and the first hexadecimal digits of HashFunction.
const (
	// NamePrefix starts every Service name, so that it starts with a
	// letter (DNS-1035) whatever the hash.
	NamePrefix = "fn-"
	// NameDigits is the number of hash characters a name starts with;
	// names that collide take NameDigitsStep more, up to NameDigitsMax.
	NameDigits     = 8
	NameDigitsStep = 4
	NameDigitsMax  = 40
)

// ServiceNames derives one Knative Service name per function hash, in
// order: "fn-" and the first NameDigits lowercase letters and digits of
// the hash. Names that collide take more of their hashes, up to
// NameDigitsMax; hashes still alike then (equal but for case or
// punctuation) get "-2", "-3", ... in order. Every name is a DNS-1035
// label of at most 3+40+1+20 characters (so Knative's Revision names,
// the Service name and "-00001", stay within 63) and the names differ.
func ServiceNames(hashes []string) []string {
	clean := make([]string, len(hashes))
	digits := make([]int, len(hashes))
	for i, h := range hashes {
		clean[i] = strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				return r
			case r >= 'A' && r <= 'Z':
				return r - 'A' + 'a'
			}
			return -1
		}, h)
		digits[i] = NameDigits
	}
	name := func(i int) string {
		c := clean[i][:min(len(clean[i]), digits[i])]
		if c == "" {
			return strings.TrimSuffix(NamePrefix, "-")
		}
		return NamePrefix + c
	}
	for grown := true; grown; {
		grown = false
		groups := map[string][]int{}
		for i := range hashes {
			groups[name(i)] = append(groups[name(i)], i)
		}
		for _, g := range groups {
			if len(g) < 2 {
				continue
			}
			for _, i := range g {
				if digits[i] < min(NameDigitsMax, len(clean[i])) {
					digits[i] += NameDigitsStep
					grown = true
				}
			}
		}
	}
	out := make([]string, len(hashes))
	seen := map[string]int{}
	for i := range hashes {
		n := name(i)
		seen[n]++
		if k := seen[n]; k > 1 {
			n += "-" + strconv.Itoa(k)
		}
		out[i] = n
	}
	return out
}

// Selection is what an import writes: the chosen functions of a day and
// how they were chosen.
type Selection struct {
	// Day is the day read.
	Day *Day
	// Population is every function that could be chosen.
	Population *Population
	// Functions are the chosen ones, in the invocation file's order.
	Functions []Function
	// How says how they were chosen, e.g. "the 10 busiest".
	How string
	// Distances are the chosen functions' distances to the population.
	Distances Distances
	// Seed seeds the sample and the scenario's run.
	Seed uint64
}

// Fleet turns the selection into a sim/fleet.Fleet, whose writers write
// the scenario: each function keeps its hashes, trigger and day of counts
// and gets a Service name (ServiceNames), its fitted log-normal execution
// time (median p50, sigma rounded to 3 decimals) and its memory request.
func (s *Selection) Fleet() *fleet.Fleet {
	hashes := make([]string, len(s.Functions))
	for i, f := range s.Functions {
		hashes[i] = f.Function
	}
	names := ServiceNames(hashes)
	fl := &fleet.Fleet{Config: fleet.Config{Functions: len(s.Functions), Seed: s.Seed}, Source: s.Source(),
		Functions: make([]fleet.Function, len(s.Functions))}
	for i, f := range s.Functions {
		e := f.ExecTime()
		perMinute := make([]int, len(f.PerMinute))
		for m, n := range f.PerMinute {
			perMinute[m] = int(n)
		}
		fl.Functions[i] = fleet.Function{Owner: f.Owner, App: f.App, Function: f.Function, PerMinute: perMinute,
			Profile: fleet.Profile{Service: names[i], Trigger: f.Trigger, MedianMs: math.Max(f.Durations.P50, MinExecMs),
				ExecSigma: math.Round(e.Sigma*1000) / 1000, MemoryMi: f.MemoryMi()}}
	}
	return fl
}

// Source says where the functions come from, for the written files.
func (s *Selection) Source() string {
	return fmt.Sprintf("%s of the %d functions of the Azure Functions 2019 dataset, day %02d, minutes %s\n(%s and the durations and app memory files of the day);\nexecution times log-normal through each function's p50 and p99, memory its app's average split over the app's functions",
		s.How, len(s.Population.Functions), s.Day.Day, s.Population.Window, filepath.Base(s.Day.Files[0]))
}

// ScenarioOptions are the options of the scenario of the selection: the
// replay starts at the window's first minute and lasts the window (after
// fleet.TrafficStart, at most a day).
func (s *Selection) ScenarioOptions(name string) fleet.ScenarioOptions {
	w := s.Population.Window
	return fleet.ScenarioOptions{Name: name, Start: time.Duration(w.From-1) * time.Minute,
		Duration: min(24*time.Hour, fleet.TrafficStart+time.Duration(w.Minutes())*time.Minute)}
}

// WriteScenario writes the selection's scenario into dir with
// fleet.Fleet.WriteScenario: dir/<name>.yaml, dir/traces/<name>.csv and
// dir/services.yaml. It returns the scenario file's path.
// It refuses a selection whose functions together invoke more than
// sim/traffic.MaxPerMinute times in a minute of the day, which no trace
// may (the scenario would not load).
func (s *Selection) WriteScenario(dir, name string) (string, error) {
	for m := range MinutesPerDay {
		total := 0
		for _, f := range s.Functions {
			total += int(f.PerMinute[m])
		}
		if total > traffic.MaxPerMinute {
			return "", fmt.Errorf("minute %d: the %d functions chosen invoke %d times, over the limit of %d per minute of a trace; choose fewer functions",
				m+1, len(s.Functions), total, traffic.MaxPerMinute)
		}
	}
	return s.Fleet().WriteScenario(dir, s.ScenarioOptions(name))
}

// Options say which functions of a day to import.
type Options struct {
	// Window is the span of minutes replayed and over which functions
	// are ranked and compared (zero: WholeDay).
	Window Window
	// Top, when positive, keeps the Top busiest functions.
	Top int
	// Sample, when positive, keeps a representative sample of Sample
	// functions (Population.Sample). At most one of Top and Sample is set;
	// neither keeps every function.
	Sample int
	// Seed seeds the sample and the scenario's run.
	Seed uint64
}

// Select picks the functions of d that o asks for.
func Select(d *Day, o Options) (*Selection, error) {
	if o.Window == (Window{}) {
		o.Window = WholeDay
	}
	if o.Top < 0 || o.Sample < 0 || (o.Top > 0 && o.Sample > 0) {
		return nil, fmt.Errorf("expected at most one of top and sample, each a positive number of functions, got top %d and sample %d", o.Top, o.Sample)
	}
	pop, err := d.Population(o.Window)
	if err != nil {
		return nil, err
	}
	s := &Selection{Day: d, Population: pop, Seed: o.Seed}
	switch {
	case o.Top > 0:
		if s.Functions, err = pop.Top(o.Top); err != nil {
			return nil, err
		}
		s.How = fmt.Sprintf("the %d busiest", len(s.Functions))
		s.Distances = pop.Distance(s.Functions)
	case o.Sample > 0:
		if s.Functions, s.Distances, err = pop.Sample(o.Sample, o.Seed); err != nil {
			return nil, err
		}
		s.How = fmt.Sprintf("a sample of %d (seed %d, the closest of %d random samples: Wasserstein distances %.4f in log10 rate, %.4f in log10 duration)",
			len(s.Functions), o.Seed, SampleCandidates, s.Distances.Rate, s.Distances.Duration)
		if len(s.Functions) == len(pop.Functions) {
			s.How = fmt.Sprintf("all (a sample of %d asked for)", o.Sample)
		}
	default:
		s.Functions = pop.Functions
		s.How = "all"
		s.Distances = pop.Distance(s.Functions)
	}
	return s, nil
}
