package traffic

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/knsim/knsim/sim/engine"
	"github.com/knsim/knsim/system/telemetry"
)

// run drives g on a fresh engine; every request takes latency to answer.
func run(t *testing.T, g Generator, latency time.Duration) (*engine.Engine, []time.Duration) {
	t.Helper()
	if err := g.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	eng, err := engine.New(engine.Config{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	start := eng.Now()
	var sent []time.Duration
	g.Run(eng, start, func(now time.Time, host string, done func(telemetry.Record)) {
		sent = append(sent, now.Sub(start))
		if done != nil {
			eng.Schedule(now.Add(latency), func(at time.Time) { done(telemetry.Record{Start: now, End: at, Host: host}) })
		}
	})
	eng.Run()
	return eng, sent
}

func TestHey(t *testing.T) {
	for _, tc := range []struct {
		name    string
		hey     Hey
		latency time.Duration
		want    int
		last    time.Duration
	}{
		{"n split over c workers", Hey{Host: "h", N: 100, C: 10}, 10 * time.Millisecond, 100, 90 * time.Millisecond},
		{"remainder of n/c is not sent, as hey does", Hey{Host: "h", N: 105, C: 10}, 10 * time.Millisecond, 100, 90 * time.Millisecond},
		{"duration bound", Hey{Host: "h", C: 2, Z: time.Second}, 100 * time.Millisecond, 20, 900 * time.Millisecond},
		{"q limits each worker", Hey{Host: "h", C: 2, Z: time.Second, Q: 5}, time.Millisecond, 10, 800 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, sent := run(t, tc.hey, tc.latency)
			if len(sent) != tc.want {
				t.Errorf("sent %d requests, want %d", len(sent), tc.want)
			}
			if got := sent[len(sent)-1]; got != tc.last {
				t.Errorf("last request at %s, want %s", got, tc.last)
			}
		})
	}
}

func TestHeyValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		hey  Hey
		want string
	}{
		{"no host", Hey{N: 1, C: 1}, "hey: host is required"},
		{"no workers", Hey{Host: "h", N: 1}, "hey: c must be at least 1, got 0"},
		{"n below c", Hey{Host: "h", N: 1, C: 2}, "hey: n (1) must be at least c (2) when z is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.hey.Validate()
			if err == nil || err.Error() != tc.want {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRateEven(t *testing.T) {
	_, sent := run(t, Rate{Host: "h", Shape: Constant{Rate: 4}, Arrivals: Even, Duration: time.Second}, 0)
	want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond}
	if d := cmp.Diff(want, sent); d != "" {
		t.Errorf("arrivals (-want +got):\n%s", d)
	}
}

func TestRateSteps(t *testing.T) {
	steps := Steps{{At: time.Second, Rate: 2}, {At: 2 * time.Second, Rate: 0}}
	_, sent := run(t, Rate{Host: "h", Shape: steps, Arrivals: Even, Duration: 3 * time.Second}, 0)
	want := []time.Duration{time.Second, 1500 * time.Millisecond}
	if d := cmp.Diff(want, sent); d != "" {
		t.Errorf("arrivals (-want +got):\n%s", d)
	}
}

func TestRatePoissonMean(t *testing.T) {
	eng, _ := engine.New(engine.Config{Seed: 3})
	for _, tc := range []struct {
		name  string
		shape Shape
		want  float64 // expected count over 1000 s
	}{
		{"constant", Constant{Rate: 20}, 20000},
		{"ramp 0 to 40", Ramp{From: 0, To: 40, Over: 1000 * time.Second}, 20000},
		{"sine", Sine{Mean: 20, Amplitude: 10, Period: 100 * time.Second}, 20000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, sent := run(t, Rate{Host: "h", Shape: tc.shape, Arrivals: Poisson, Duration: 1000 * time.Second, Rand: eng.Rand(tc.name)}, 0)
			// A Poisson count has sd sqrt(mean); allow 4 sd.
			if diff := math.Abs(float64(len(sent)) - tc.want); diff > 4*math.Sqrt(tc.want) {
				t.Errorf("got %d arrivals, want %.0f +- %.0f", len(sent), tc.want, 4*math.Sqrt(tc.want))
			}
		})
	}
}

func TestDiurnalStartsAtTrough(t *testing.T) {
	d := Diurnal(100, 80)
	if got := d.RPS(0); math.Abs(got-20) > 1e-9 {
		t.Errorf("RPS(0) = %g, want 20", got)
	}
	if got := d.RPS(12 * time.Hour); math.Abs(got-180) > 1e-9 {
		t.Errorf("RPS(12h) = %g, want 180", got)
	}
}

func traceCSV(rows ...string) string {
	var b strings.Builder
	b.WriteString("HashOwner,HashApp,HashFunction,Trigger")
	for i := 1; i <= MinutesPerDay; i++ {
		fmt.Fprintf(&b, ",%d", i)
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	return b.String()
}

func row(fn string, counts map[int]int) string {
	cols := make([]string, MinutesPerDay)
	for i := range cols {
		cols[i] = fmt.Sprint(counts[i])
	}
	return "o,a," + fn + ",http," + strings.Join(cols, ",")
}

func TestParseAzureTrace(t *testing.T) {
	fns, err := ParseAzureTrace("t.csv", strings.NewReader(traceCSV(row("f1", map[int]int{0: 3, 2: 1}))))
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 1 || fns[0].Function != "f1" || fns[0].PerMinute[0] != 3 || fns[0].PerMinute[2] != 1 {
		t.Errorf("parsed %+v", fns)
	}
	for _, tc := range []struct{ name, csv, want string }{
		{"short header", "HashOwner,HashApp\n", "t.csv:1: header must be HashOwner,HashApp,HashFunction,Trigger,1..1440 (1444 columns), got 2 columns"},
		{"negative count", traceCSV(strings.Replace(row("f", nil), ",0,", ",-2,", 1)), "t.csv:2: column 5 (minute 1): expected a non-negative integer, got \"-2\""},
		{"largest int64 count", traceCSV(row("f", nil), row("g", map[int]int{6: math.MaxInt64})),
			"t.csv:3: column 11 (minute 7): count 9223372036854775807 is over the limit of 10000000 invocations per minute"},
		{"count beyond int64", traceCSV(strings.Replace(row("f", nil), ",0,", ",99999999999999999999,", 1)),
			"t.csv:2: column 5 (minute 1): count 99999999999999999999 is over the limit of 10000000 invocations per minute"},
		{"one over the limit", traceCSV(row("f", map[int]int{0: MaxPerMinute + 1})),
			"t.csv:2: column 5 (minute 1): count 10000001 is over the limit of 10000000 invocations per minute"},
		{"not a number", traceCSV(strings.Replace(row("f", nil), ",0,", ",1e3,", 1)), "t.csv:2: column 5 (minute 1): expected a non-negative integer, got \"1e3\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAzureTrace("t.csv", strings.NewReader(tc.csv))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseAzureTraceAtLimit(t *testing.T) {
	fns, err := ParseAzureTrace("t.csv", strings.NewReader(traceCSV(row("f", map[int]int{0: MaxPerMinute}))))
	if err != nil {
		t.Fatal(err)
	}
	if got := fns[0].PerMinute[0]; got != MaxPerMinute {
		t.Errorf("minute 1 = %d, want %d", got, MaxPerMinute)
	}
}

func TestTraceValidateCounts(t *testing.T) {
	counts := func(m, n int) TraceFunction {
		fn := TraceFunction{Function: "f", PerMinute: make([]int, MinutesPerDay)}
		fn.PerMinute[m] = n
		return fn
	}
	for _, tc := range []struct {
		name string
		fn   TraceFunction
		want string
	}{
		{"at the limit", counts(0, MaxPerMinute), ""},
		{"largest int64", counts(4, math.MaxInt64), `trace: function "f", minute 5: count 9223372036854775807 is outside 0..10000000 invocations per minute`},
		{"negative", counts(0, -1), `trace: function "f", minute 1: count -1 is outside 0..10000000 invocations per minute`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := (Trace{Host: "h", Function: tc.fn, Spread: SpreadStart}).Validate(); err != nil {
				got = err.Error()
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Validate() (-want +got):\n%s", d)
			}
		})
	}
}

// TestTraceOffsetsHugeCount: a count Validate refuses does not make offsets
// panic (makeslice: len out of range) when Run is called without Validate.
func TestTraceOffsetsHugeCount(t *testing.T) {
	for _, n := range []int{math.MaxInt64, -5} {
		if got := len(Trace{Spread: SpreadStart}.offsets(n)); got > MaxPerMinute {
			t.Errorf("offsets(%d) has %d entries, want at most %d", n, got, MaxPerMinute)
		}
	}
}

func TestTraceReplay(t *testing.T) {
	fn := TraceFunction{Function: "f", PerMinute: make([]int, MinutesPerDay)}
	fn.PerMinute[1], fn.PerMinute[3] = 2, 1
	_, sent := run(t, Trace{Host: "h", Function: fn, Spread: SpreadStart}, 0)
	want := []time.Duration{time.Minute, time.Minute, 3 * time.Minute}
	if d := cmp.Diff(want, sent); d != "" {
		t.Errorf("arrivals (-want +got):\n%s", d)
	}
	eng, _ := engine.New(engine.Config{Seed: 1})
	_, sent = run(t, Trace{Host: "h", Function: fn, Spread: SpreadUniform, Rand: eng.Rand("t")}, 0)
	if len(sent) != 3 || sent[0] < time.Minute || sent[1] >= 2*time.Minute || sent[2] < 3*time.Minute || sent[2] >= 4*time.Minute {
		t.Errorf("uniform spread arrivals %v, want two in minute 1 and one in minute 3", sent)
	}
}
