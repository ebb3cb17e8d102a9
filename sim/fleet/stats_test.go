package fleet

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/traffic"
)

// facts are what a fleet's day shows of the Azure workload.
type facts struct {
	TopShareOver99 bool // the top 20 % of the functions make > 99 % of the invocations
	Timers         bool // some functions are timers
	Bursty         bool // some have an inter-arrival CV > 1
	RareShareOK    bool // 40 % to 50 % are invoked at most once an hour
	AfternoonPeak  bool // the fleet's busiest hour is 12:00 to 17:59
	TotalNearScale bool // the day totals the scale within 20 %
	Periods        bool // the timers' periods are 1, 2, 5, 15, 60 or 1440 minutes
}

func factsOf(t *testing.T, f *Fleet) facts {
	t.Helper()
	s := f.Stats()
	timers, bursty, periods := 0, 0, true
	for i, fs := range s.Functions {
		p := f.Functions[i].Profile
		if p.Trigger == "timer" {
			timers++
			periods = periods && p.Shape == Timer && slices.Contains([]int{1, 2, 5, 15, 60, 1440}, p.Period)
		}
		if fs.CV > 1 {
			bursty++
		}
	}
	n := float64(len(s.Functions))
	rare := float64(s.AtMost(rareDaily)) / n
	scale := f.Config.invocationsPerFunction() * n
	t.Logf("%d functions, seed %d: %d invocations (%.2f x the scale), top 20 %% %.3f %%, %.1f %% rare, %d timers, %d with CV > 1, peak hour %d",
		len(s.Functions), f.Config.Seed, s.Total, float64(s.Total)/scale, 100*s.TopShare(0.2), 100*rare, timers, bursty, s.PeakHour())
	return facts{
		TopShareOver99: s.TopShare(0.2) > 0.99,
		Timers:         timers > 0,
		Bursty:         bursty > 0,
		RareShareOK:    rare >= 0.40 && rare <= 0.50,
		AfternoonPeak:  s.PeakHour() >= 12 && s.PeakHour() < 18,
		TotalNearScale: math.Abs(float64(s.Total)/scale-1) < 0.2,
		Periods:        periods,
	}
}

// A sampled fleet keeps the workload facts of "Serverless in the Wild"
// for every seed tried, at 100 and 1000 functions.
func TestSampledWorkloadFacts(t *testing.T) {
	all := facts{true, true, true, true, true, true, true}
	for _, c := range []Config{
		{Functions: 100, Seed: 1},
		{Functions: 100, Seed: 2},
		{Functions: 100, Seed: 3},
		{Functions: 1000, Seed: 1},
		{Functions: 1000, Seed: 7},
	} {
		f, err := Generate(c)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(all, factsOf(t, f)); diff != "" {
			t.Errorf("%d functions, seed %d (-want +got):\n%s", c.Functions, c.Seed, diff)
		}
	}
}

// The shipped 20 functions: the top 4 make over 99 %, 9 are invoked at
// most once an hour and 16 at most once a minute, and the parser of the
// runner reads the trace.
func TestShippedWorkloadFacts(t *testing.T) {
	f, err := Generate(Config{Functions: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Stats()
	got := []any{s.TopShare(0.2) > 0.99, s.AtMost(24), s.AtMost(1440), s.PeakHour(), s.Total}
	if diff := cmp.Diff([]any{true, 9, 16, 13, 1251231}, got); diff != "" {
		t.Errorf("top share > 99 %%, rare, at most once a minute, peak hour, total (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := f.WriteTrace(&b); err != nil {
		t.Fatal(err)
	}
	fns, err := traffic.ParseAzureTrace("generated", &b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 20 || fns[0].PerMinute[0] != f.Functions[0].PerMinute[0] {
		t.Errorf("parsed %d functions", len(fns))
	}
}

// The scale sets the sampled day's total; the top 20 % carry it.
func TestScale(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want float64 // invocations a day, within 20 %
	}{
		{Config{Functions: 50, Seed: 1}, 50 * DefaultInvocationsPerFunction},
		{Config{Functions: 50, Seed: 1, InvocationsPerFunction: 200_000}, 50 * 200_000},
		{Config{Functions: 21, Seed: 4}, 21 * DefaultInvocationsPerFunction},
		{Config{Functions: 1, Seed: 1, InvocationsPerFunction: 1000}, 1000},
	} {
		f, err := Generate(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := float64(f.Total()); math.Abs(got/c.want-1) > 0.2 {
			t.Errorf("%+v: %g invocations a day, want about %g", c.cfg, got, c.want)
		}
	}
}

// No sampled function keeps more than MaxMeanConcurrency invocations in
// flight on average unless its execution time is already the shortest,
// and execution times stay within 30 ms and 5 s.
func TestExecutionTimes(t *testing.T) {
	for _, n := range []int{100, 1000} {
		ps, err := Profiles(Config{Functions: n, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			inFlight := p.ExpectedDaily() / 86400 * p.MedianMs / 1000 * math.Exp(p.ExecSigma*p.ExecSigma/2)
			if p.MedianMs < minExecMs || p.MedianMs > maxExecMs || p.ExecSigma < 0.2 || p.ExecSigma > 1 ||
				inFlight > MaxMeanConcurrency*1.0001 && p.MedianMs > minExecMs {
				t.Errorf("%s: median %g ms, sigma %g, %.2f in flight", p.Service, p.MedianMs, p.ExecSigma, inFlight)
			}
		}
	}
}

func TestStatsWrite(t *testing.T) {
	f := &Fleet{Functions: []Function{
		{Profile: Profile{Service: "fn-00", Trigger: "http"}, PerMinute: append([]int{3, 0, 1}, make([]int, MinutesPerDay-3)...)},
		{Profile: Profile{Service: "fn-01", Trigger: "timer"}, PerMinute: append([]int{1}, make([]int, MinutesPerDay-1)...)},
	}}
	var b bytes.Buffer
	if err := f.Stats().Write(&b); err != nil {
		t.Fatal(err)
	}
	want := `fn     trigger             day   share   peak  idle      cv
fn-00  http                  4 80.000%      3  1438    0.81
fn-01  timer                 1 20.000%      1  1439     NaN
total 5 invocations
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
