package azuretrace

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// fixture reads testdata/d01.
func fixture(t *testing.T) *Day {
	t.Helper()
	d, err := ReadDay(filepath.Join("testdata", "d01"), 1)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "1-1440", want: "1-1440"},
		{in: "601-660", want: "601-660"},
		{in: "5-5", want: "5-5"},
		{in: "0-10", err: "minutes: expected A-B with 1 <= A <= B <= 1440, got 0-10"},
		{in: "10-1441", err: "minutes: expected A-B with 1 <= A <= B <= 1440, got 10-1441"},
		{in: "20-10", err: "minutes: expected A-B with 1 <= A <= B <= 1440, got 20-10"},
		{in: "600", err: `minutes: expected A-B, two minutes of the day from 1 to 1440 (e.g. 601-660), got "600"`},
		{in: "a-b", err: `minutes: expected A-B, two minutes of the day from 1 to 1440 (e.g. 601-660), got "a-b"`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			w, err := ParseWindow(tc.in)
			got, gotErr := "", ""
			if err != nil {
				gotErr = err.Error()
			} else {
				got = w.String()
			}
			if diff := gocmp.Diff([2]string{tc.want, tc.err}, [2]string{got, gotErr}); diff != "" {
				t.Errorf("window, error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPopulation(t *testing.T) {
	d := fixture(t)
	// The fixture (30 functions): function 27 has no durations row, app 8
	// (functions 24 to 26) no memory row, function 4 a second row,
	// function 29 no invocation after minute 600.
	tests := []struct {
		name  string
		w     Window
		want  [5]int // functions, no durations, no memory, idle, merged
		check func(t *testing.T, p *Population)
	}{
		{"whole day", WholeDay, [5]int{26, 1, 3, 0, 1}, func(t *testing.T, p *Population) {
			// the repeated row (every 30 minutes: 48 more) is summed into the first.
			f := p.Functions[4]
			var rows int
			for _, r := range d.Invocations {
				if r.Function == f.Function {
					for _, n := range r.PerMinute {
						rows += int(n)
					}
				}
			}
			if f.Invocations != rows {
				t.Errorf("function 4: %d invocations, want the sum of its rows %d", f.Invocations, rows)
			}
			// three functions per app: the app's memory is split in three.
			if f.AppFunctions != 3 || f.MemoryMi() != MemoryPerFunction(f.Memory.Average, 3) {
				t.Errorf("function 4: %d app functions, %d Mi", f.AppFunctions, f.MemoryMi())
			}
		}},
		{"the afternoon", Window{From: 601, To: 1440}, [5]int{25, 1, 3, 1, 1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := d.Population(tc.w)
			if err != nil {
				t.Fatal(err)
			}
			got := [5]int{len(p.Functions), p.NoDurations, p.NoMemory, p.Idle, p.Merged}
			if diff := gocmp.Diff(tc.want, got); diff != "" {
				t.Errorf("functions, no durations, no memory, idle, merged (-want +got):\n%s", diff)
			}
			for i, f := range p.Functions {
				if i > 0 && f.Line <= p.Functions[i-1].Line {
					t.Errorf("function %d (line %d) after line %d: not in file order", i, f.Line, p.Functions[i-1].Line)
				}
				if f.Invocations == 0 || f.Durations.Function != f.Function || f.Memory.App != f.App {
					t.Errorf("function %d: %d invocations, durations of %q, memory of %q", i, f.Invocations, f.Durations.Function, f.Memory.App)
				}
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestPopulationEmpty(t *testing.T) {
	d := fixture(t)
	d.Memory = nil
	_, err := d.Population(WholeDay)
	want := "invocations_per_function_md.anon.d01.csv: no function has a row in function_durations_percentiles.anon.d01.csv, its app in app_memory_percentiles.anon.d01.csv and an invocation in minutes 1-1440 (1 without durations, 29 without app memory, 0 idle in the window, 1 repeated rows merged)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestTop(t *testing.T) {
	p, err := fixture(t).Population(Window{From: 601, To: 660})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 5, 12, 100} {
		got, err := p.Top(n)
		if err != nil {
			t.Fatal(err)
		}
		// every function left out has at most the invocations of every one kept.
		kept := map[string]bool{}
		least := -1
		for _, f := range got {
			kept[f.Function] = true
			if least < 0 || f.Invocations < least {
				least = f.Invocations
			}
		}
		if len(got) != min(n, len(p.Functions)) {
			t.Errorf("top %d: %d functions", n, len(got))
		}
		for _, f := range p.Functions {
			if !kept[f.Function] && f.Invocations > least {
				t.Errorf("top %d: left out %s with %d invocations, kept one with %d", n, f.Function[:8], f.Invocations, least)
			}
		}
		if !slices.IsSortedFunc(got, func(a, b Function) int { return cmp.Compare(a.Line, b.Line) }) {
			t.Errorf("top %d: not in file order", n)
		}
	}
	if _, err := p.Top(0); err == nil || err.Error() != "top: expected a positive number of functions, got 0" {
		t.Errorf("Top(0): %v", err)
	}
}

// names lists the selected functions' hash prefixes.
func names(fns []Function) string {
	var s []string
	for _, f := range fns {
		s = append(s, f.Function[:6])
	}
	return strings.Join(s, " ")
}

func TestSample(t *testing.T) {
	p, err := fixture(t).Population(WholeDay)
	if err != nil {
		t.Fatal(err)
	}
	a, da, err := p.Sample(6, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, db, _ := p.Sample(6, 1)
	c, _, _ := p.Sample(6, 2)
	if names(a) != names(b) || da != db {
		t.Errorf("seed 1 twice: %s (%v), then %s (%v)", names(a), da, names(b), db)
	}
	if names(a) == names(c) {
		t.Errorf("seeds 1 and 2 both picked %s", names(a))
	}
	if len(a) != 6 || !slices.IsSortedFunc(a, func(x, y Function) int { return cmp.Compare(x.Line, y.Line) }) {
		t.Errorf("sample: %d functions, want 6 in file order", len(a))
	}
	// the distances returned are the sample's, and no worse than those
	// of the busiest 6 or of the first 6.
	if diff := gocmp.Diff(p.Distance(a), da); diff != "" {
		t.Errorf("distances (-recomputed +returned):\n%s", diff)
	}
	top, _ := p.Top(6)
	for name, other := range map[string][]Function{"top": top, "first": p.Functions[:6]} {
		if d := p.Distance(other); d.Sum() < da.Sum() {
			t.Errorf("the %s 6 are closer (%v) than the sample (%v)", name, d, da)
		}
	}
	// the whole population is at distance 0.
	all, dAll, _ := p.Sample(len(p.Functions)+5, 1)
	if len(all) != len(p.Functions) || dAll != (Distances{}) {
		t.Errorf("a sample larger than the population: %d functions at %v", len(all), dAll)
	}
	if _, _, err := p.Sample(0, 1); err == nil || err.Error() != "sample: expected a positive number of functions, got 0" {
		t.Errorf("Sample(0): %v", err)
	}
}
