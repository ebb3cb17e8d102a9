package scenario

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/knsim/knsim/sim/traffic"
)

// The Azure Functions 2019 invocation trace (AzureFunctionsDataset2019,
// files invocations_per_function_md.anon.dNN.csv): a header line
//
//	HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
//
// then one line per function: the hashed owner, app and function, the
// trigger (http, timer, queue, event, storage, orchestration, others) and
// 1440 per-minute invocation counts. sim/traffic reads and replays it; the
// loader checks each trace's header, and that every count is a
// non-negative integer of at most traffic.MaxPerMinute, so a wrong file
// fails before the run.
const traceMinutes = 1440

var traceKeys = []string{"HashOwner", "HashApp", "HashFunction", "Trigger"}

// traceHeader checks a trace's header line.
func traceHeader(h []string) error {
	want := fmt.Sprintf("the header %s,%s,%s,%s,1,2,...,%d", traceKeys[0], traceKeys[1], traceKeys[2], traceKeys[3], traceMinutes)
	if len(h) != len(traceKeys)+traceMinutes {
		return fmt.Errorf("expected %s (%d columns), got %d columns", want, len(traceKeys)+traceMinutes, len(h))
	}
	for i, k := range traceKeys {
		if h[i] != k {
			return fmt.Errorf("column %d of the header: expected %q, got %q (an Azure Functions 2019 trace starts with %s)", i+1, k, h[i], want)
		}
	}
	for i, c := range h[len(traceKeys):] {
		if c != strconv.Itoa(i+1) {
			return fmt.Errorf("column %d of the header: expected minute %q, got %q", i+1+len(traceKeys), strconv.Itoa(i+1), c)
		}
	}
	return nil
}

// checkTrace opens a trace (OpenFile: in the scenario's folder, regular,
// at most MaxTraceBytes) and checks its header and counts.
func (s *Scenario) checkTrace(rel string) error {
	f, err := s.OpenFile(rel, MaxTraceBytes)
	if err != nil {
		return err
	}
	defer f.Close()
	return checkTraceReader(s.Path(rel), f)
}

// checkTraceReader checks a trace read from r: its header, then every
// row's counts, each a non-negative integer of at most
// traffic.MaxPerMinute (a count becomes the length of the minute's list of
// arrivals), as is each minute's sum over all rows (the minute's arrivals
// are laid out together). Errors name the file, line and column.
func checkTraceReader(name string, r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: the trace is empty", name)
	case err != nil:
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := traceHeader(header); err != nil {
		return fmt.Errorf("%s:1: %w", name, err)
	}
	var total [traceMinutes]int // each minute's count over the rows so far
	for {
		rec, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i, v := range rec[len(traceKeys):] {
			n, err := traffic.ParseCount(v)
			if err != nil {
				return fmt.Errorf("%s:%d: column %d (minute %d): %w", name, line, i+1+len(traceKeys), i+1, err)
			}
			if total[i] += n; total[i] > traffic.MaxPerMinute {
				return fmt.Errorf("%s:%d: column %d (minute %d): the functions of the trace invoke %d times in this minute so far, over the limit of %d per minute of a whole trace",
					name, line, i+1+len(traceKeys), i+1, total[i], traffic.MaxPerMinute)
			}
		}
	}
}

// ReplayTime maps a time in the trace (minute m covers [(m−1)·1m, m·1m)) to
// the time after the generator's start at which it is replayed:
// (traceTime − Offset) / Speedup. ok is false for times before Offset,
// which are not replayed.
func (t *Trace) ReplayTime(traceTime time.Duration) (at time.Duration, ok bool) {
	rel := traceTime - t.Offset.D()
	if rel < 0 {
		return 0, false
	}
	speedup := t.Speedup
	if speedup <= 0 {
		speedup = 1
	}
	return time.Duration(float64(rel) / speedup), true
}
