package replay

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Trace column names.
const (
	ColSecond      = "second"
	ColConcurrency = "concurrency"
	ColRPS         = "rps"
	ColReadyPods   = "ready_pods"
)

// Limits of a replay, checked when the trace is read (and Options.Until
// when it runs), so that memory grows with the decisions made and a bad
// row fails at once with its line.
const (
	// MaxSpan is the most seconds from the first row to the last decision:
	// 31 days, about 1.3 million decisions at the default 2 s tick.
	MaxSpan = 31 * 24 * 60 * 60
	// MaxMetric bounds each row's concurrency and rps: ten million, beyond
	// any one revision, and small enough that window sums and the excess
	// burst capacity (an int32) stay exact.
	MaxMetric = 1e7
	// MaxSecond bounds the second column's magnitude (10^15 s, about 31
	// million years), so that second arithmetic cannot overflow.
	MaxSecond = 1e15
	// MaxReadyPods bounds the ready_pods column.
	MaxReadyPods = 1_000_000
)

// Sample is one trace row.
type Sample struct {
	// Second is the row's second.
	Second int64
	// Concurrency is the revision's average concurrency in that second.
	Concurrency float64
	// RPS is the number of requests in that second (0 without the column).
	RPS float64
	// ReadyPods is the ready pod count (-1 without the column).
	ReadyPods int
	// Line is the row's line in the file.
	Line int
}

// Trace is a parsed trace file.
type Trace struct {
	// Name is the file name used in errors.
	Name string
	// Samples are the rows in order.
	Samples []Sample
	// HasRPS and HasReadyPods say which optional columns are present.
	HasRPS, HasReadyPods bool
}

// ReadTrace parses a trace. Errors name the file, the line and the column.
func ReadTrace(name string, r io.Reader) (*Trace, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty trace: want a header line %q", name, "second,concurrency[,rps][,ready_pods]")
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	headerLine, _ := cr.FieldPos(0)
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch h {
		case ColSecond, ColConcurrency, ColRPS, ColReadyPods:
		default:
			return nil, fmt.Errorf("%s:%d: unknown column %q: want second, concurrency, rps, ready_pods", name, headerLine, header[i])
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("%s:%d: column %q appears twice", name, headerLine, h)
		}
		cols[h] = i
	}
	for _, need := range []string{ColSecond, ColConcurrency} {
		if _, ok := cols[need]; !ok {
			return nil, fmt.Errorf("%s:%d: missing column %q", name, headerLine, need)
		}
	}
	t := &Trace{Name: name}
	_, t.HasRPS = cols[ColRPS]
	_, t.HasReadyPods = cols[ColReadyPods]

	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		fail := func(col, format string, args ...any) error {
			return fmt.Errorf("%s:%d: column %s: %s", name, line, col, fmt.Sprintf(format, args...))
		}
		field := func(col string) string { return strings.TrimSpace(rec[cols[col]]) }

		s := Sample{Line: line, ReadyPods: -1}
		raw := field(ColSecond)
		if s.Second, err = strconv.ParseInt(raw, 10, 64); err != nil {
			return nil, fail(ColSecond, "%q is not a whole number of seconds", raw)
		}
		if n := len(t.Samples); n > 0 && s.Second <= t.Samples[n-1].Second {
			return nil, fail(ColSecond, "%d does not increase (previous row: %d)", s.Second, t.Samples[n-1].Second)
		}
		if s.Second < -MaxSecond || s.Second > MaxSecond {
			return nil, fail(ColSecond, "%d is outside -%d..%d", s.Second, int64(MaxSecond), int64(MaxSecond))
		}
		if n := len(t.Samples); n > 0 && s.Second-t.Samples[0].Second > MaxSpan {
			return nil, fail(ColSecond, "%d is %d s after the first row (%d); a replay spans at most %d s (31 days)",
				s.Second, s.Second-t.Samples[0].Second, t.Samples[0].Second, MaxSpan)
		}
		if s.Concurrency, err = nonNegative(field(ColConcurrency)); err != nil {
			return nil, fail(ColConcurrency, "%v", err)
		}
		if t.HasRPS {
			if s.RPS, err = nonNegative(field(ColRPS)); err != nil {
				return nil, fail(ColRPS, "%v", err)
			}
		}
		if t.HasReadyPods {
			raw := field(ColReadyPods)
			n, err := strconv.ParseInt(raw, 10, 32)
			switch {
			case err != nil && errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(raw, "-"),
				err == nil && n > MaxReadyPods:
				return nil, fail(ColReadyPods, "%s is over the limit of %d ready pods", raw, MaxReadyPods)
			case err != nil || n < 0:
				return nil, fail(ColReadyPods, "%q is not a whole number >= 0", raw)
			}
			s.ReadyPods = int(n)
		}
		t.Samples = append(t.Samples, s)
	}
	if len(t.Samples) == 0 {
		return nil, fmt.Errorf("%s: no rows after the header", name)
	}
	return t, nil
}

func nonNegative(raw string) (float64, error) {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", raw)
	}
	if v < 0 {
		return 0, fmt.Errorf("%s is negative", raw)
	}
	if v > MaxMetric {
		return 0, fmt.Errorf("%s is over the limit of %g", raw, float64(MaxMetric))
	}
	return v, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// ReadyAt returns the ready_pods of the latest row at or before second
// (the first row's when second precedes it); ok is false without the column.
func (t *Trace) ReadyAt(second int64) (n int, ok bool) {
	if !t.HasReadyPods {
		return 0, false
	}
	i := sort.Search(len(t.Samples), func(i int) bool { return t.Samples[i].Second > second })
	if i == 0 {
		return t.Samples[0].ReadyPods, true
	}
	return t.Samples[i-1].ReadyPods, true
}
