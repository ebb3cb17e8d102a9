package traffic

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TraceFunction is one row of an Azure Functions 2019 invocation trace: a
// function's invocations in each minute of a day.
type TraceFunction struct {
	Owner, App, Function, Trigger string
	// PerMinute has 1440 counts.
	PerMinute []int
}

// MinutesPerDay is the number of count columns of a trace row.
const MinutesPerDay = 1440

// MaxPerMinute is the largest invocation count one minute of a trace may
// hold: ten million, 166,667 a second, far beyond any function of the Azure
// traces (their busiest minute is a few hundred thousand). A minute's
// invocations are laid out in memory when the minute begins, so the limit
// also bounds that memory (about 80 MB of offsets).
const MaxPerMinute = 10_000_000

// ParseCount parses one per-minute count of a trace: a non-negative integer
// of at most MaxPerMinute. Its errors do not name the place.
func ParseCount(v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"),
		err == nil && n > MaxPerMinute:
		return 0, fmt.Errorf("count %s is over the limit of %d invocations per minute", v, MaxPerMinute)
	case err != nil || n < 0:
		return 0, fmt.Errorf("expected a non-negative integer, got %q", v)
	}
	return int(n), nil
}

// ParseAzureTrace reads the per-minute invocation format
// (HashOwner,HashApp,HashFunction,Trigger,1,...,1440). name labels errors,
// which give the line and column.
func ParseAzureTrace(name string, r io.Reader) ([]TraceFunction, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", name, err)
	}
	want := []string{"HashOwner", "HashApp", "HashFunction", "Trigger"}
	if len(header) != len(want)+MinutesPerDay || !slices.Equal(header[:4], want) {
		return nil, fmt.Errorf("%s:1: header must be HashOwner,HashApp,HashFunction,Trigger,1..%d (%d columns), got %d columns",
			name, MinutesPerDay, len(want)+MinutesPerDay, len(header))
	}
	for i, h := range header[4:] {
		if h != strconv.Itoa(i+1) {
			return nil, fmt.Errorf("%s:1: column %d must be %q, got %q", name, i+5, strconv.Itoa(i+1), h)
		}
	}
	var out []TraceFunction
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			// FieldPos panics when the failed read has no field (an
			// unterminated quote): the line comes from the parse error.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %w", name, pe.StartLine, err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		f := TraceFunction{Owner: rec[0], App: rec[1], Function: rec[2], Trigger: rec[3], PerMinute: make([]int, MinutesPerDay)}
		for i, v := range rec[4:] {
			n, err := ParseCount(v)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: column %d (minute %d): %w", name, line, i+5, i+1, err)
			}
			f.PerMinute[i] = n
		}
		out = append(out, f)
	}
}

// Spread says how a minute's invocations are placed within the minute.
type Spread string

const (
	// SpreadUniform draws each invocation's second uniformly in the minute.
	SpreadUniform Spread = "uniform"
	// SpreadPoisson replays the minute as a Poisson process at its average
	// rate, so the count varies around the trace's.
	SpreadPoisson Spread = "poisson"
	// SpreadStart sends them all at the start of the minute.
	SpreadStart Spread = "start"
)

// Trace replays one function's per-minute counts to Host.
type Trace struct {
	Host     string
	Function TraceFunction
	Spread   Spread
	// Minutes limits the replay (0: all 1440).
	Minutes int
	Rand    *rand.Rand
}

// Validate implements Generator.
func (t Trace) Validate() error {
	switch {
	case t.Host == "":
		return fmt.Errorf("trace: host is required")
	case len(t.Function.PerMinute) == 0:
		return fmt.Errorf("trace: function %q has no counts", t.Function.Function)
	case t.Spread != SpreadUniform && t.Spread != SpreadPoisson && t.Spread != SpreadStart:
		return fmt.Errorf("trace: spread must be uniform, poisson or start, got %q", t.Spread)
	case t.Spread != SpreadStart && t.Rand == nil:
		return fmt.Errorf("trace: spread %q needs a random source", t.Spread)
	}
	for m, n := range t.Function.PerMinute {
		if n < 0 || n > MaxPerMinute {
			return fmt.Errorf("trace: function %q, minute %d: count %d is outside 0..%d invocations per minute", t.Function.Function, m+1, n, MaxPerMinute)
		}
	}
	return nil
}

// Run implements Generator: each minute is laid out when it begins. Counts
// must be within 0..MaxPerMinute (Validate); Run caps any other.
func (t Trace) Run(s Scheduler, start time.Time, send Sender) {
	minutes := len(t.Function.PerMinute)
	if t.Minutes > 0 && t.Minutes < minutes {
		minutes = t.Minutes
	}
	var minute func(m int)
	minute = func(m int) {
		for m < minutes && t.Function.PerMinute[m] == 0 {
			m++
		}
		if m >= minutes {
			return
		}
		base := start.Add(time.Duration(m) * time.Minute)
		s.Schedule(base, func(time.Time) {
			for _, off := range t.offsets(t.Function.PerMinute[m]) {
				s.Schedule(base.Add(off), func(at time.Time) { send(at, t.Host, nil) })
			}
			minute(m + 1)
		})
	}
	minute(0)
}

// offsets places n invocations within a minute, sorted. n is capped to
// 0..MaxPerMinute, so that a count Validate would refuse cannot make a
// slice of any length.
func (t Trace) offsets(n int) []time.Duration {
	n = min(max(n, 0), MaxPerMinute)
	out := make([]time.Duration, n)
	switch t.Spread {
	case SpreadUniform:
		for i := range out {
			out[i] = time.Duration(t.Rand.Int64N(int64(time.Minute)))
		}
	case SpreadPoisson:
		// A Poisson process at the minute's average rate: the count itself
		// varies around n, as in a trace aggregated from such a process.
		out = out[:0]
		rate := float64(n) / float64(time.Minute)
		for at := t.Rand.ExpFloat64() / rate; at < float64(time.Minute); at += t.Rand.ExpFloat64() / rate {
			out = append(out, time.Duration(at))
		}
	}
	slices.Sort(out)
	return out
}
