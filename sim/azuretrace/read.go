package azuretrace

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/knsim/knsim/sim/traffic"
)

// MinutesPerDay is the number of per-minute count columns of an
// invocation file.
const MinutesPerDay = traffic.MinutesPerDay

// The dataset's file names for day NN (1 to 14; the memory files stop at
// day 12).
func invocationsFile(day int) string {
	return fmt.Sprintf("invocations_per_function_md.anon.d%02d.csv", day)
}
func durationsFile(day int) string {
	return fmt.Sprintf("function_durations_percentiles.anon.d%02d.csv", day)
}
func memoryFile(day int) string { return fmt.Sprintf("app_memory_percentiles.anon.d%02d.csv", day) }

// The published headers (AzureFunctionsDataset2019.md, "Schema and
// Description").
var (
	invocationKeys = []string{"HashOwner", "HashApp", "HashFunction", "Trigger"}
	durationHeader = []string{"HashOwner", "HashApp", "HashFunction", "Average", "Count", "Minimum", "Maximum",
		"percentile_Average_0", "percentile_Average_1", "percentile_Average_25", "percentile_Average_50",
		"percentile_Average_75", "percentile_Average_99", "percentile_Average_100"}
	memoryHeader = []string{"HashOwner", "HashApp", "SampleCount", "AverageAllocatedMb",
		"AverageAllocatedMb_pct1", "AverageAllocatedMb_pct5", "AverageAllocatedMb_pct25", "AverageAllocatedMb_pct50",
		"AverageAllocatedMb_pct75", "AverageAllocatedMb_pct95", "AverageAllocatedMb_pct99", "AverageAllocatedMb_pct100"}
)

// Triggers are the dataset's seven trigger groups.
var Triggers = []string{"http", "timer", "event", "queue", "storage", "orchestration", "others"}

// Invocations is one row of an invocation file.
type Invocations struct {
	Owner, App, Function, Trigger string
	// PerMinute holds the 1440 counts of the day, as int32: a day of the
	// dataset (about 46,000 functions) takes 265 MB so, and every count
	// (at most sim/traffic.MaxPerMinute) fits.
	PerMinute []int32
	// Line is the row's line in its file.
	Line int
}

// Durations is one row of a durations file: a function's execution times
// in milliseconds over the day.
type Durations struct {
	Owner, App, Function string
	// Average is the mean execution time over Count invocations.
	Average float64
	Count   float64
	// Minimum and Maximum are the day's extremes (0 when not recorded).
	Minimum, Maximum float64
	// P0 ... P100 are the weighted percentiles of the 30-second averages
	// (percentile_Average_0, _1, _25, _50, _75, _99, _100).
	P0, P1, P25, P50, P75, P99, P100 float64
	// Line is the row's line in its file.
	Line int
}

// Memory is one row of an app memory file: an app's allocated memory in
// MB over the day.
type Memory struct {
	Owner, App string
	// SampleCount is the number of samples of the average.
	SampleCount float64
	// Average is AverageAllocatedMb, the mean allocated memory.
	Average float64
	// Pct are AverageAllocatedMb_pct1, _pct5, _pct25, _pct50, _pct75,
	// _pct95, _pct99 and _pct100.
	Pct [8]float64
	// Line is the row's line in its file.
	Line int
}

// Day is one day of the dataset as read.
type Day struct {
	// Day is the file number NN.
	Day int
	// Files are the three files read, invocations first.
	Files [3]string
	// Invocations are the invocation rows in file order.
	Invocations []Invocations
	// Durations are the durations rows in file order.
	Durations []Durations
	// Memory are the memory rows in file order.
	Memory []Memory
}

// ReadDay reads day NN (1 to 99) of the dataset from dir.
func ReadDay(dir string, day int) (*Day, error) {
	if day < 1 || day > 99 {
		return nil, fmt.Errorf("day: expected a file number 1 to 99 (the dataset has 01 to 14), got %d", day)
	}
	d := &Day{Day: day, Files: [3]string{
		filepath.Join(dir, invocationsFile(day)),
		filepath.Join(dir, durationsFile(day)),
		filepath.Join(dir, memoryFile(day)),
	}}
	var err error
	if d.Invocations, err = readFile(d.Files[0], ReadInvocations); err != nil {
		return nil, err
	}
	if d.Durations, err = readFile(d.Files[1], ReadDurations); err != nil {
		return nil, err
	}
	if d.Memory, err = readFile(d.Files[2], ReadMemory); err != nil {
		return nil, err
	}
	return d, nil
}

// readFile opens path and reads it with read.
func readFile[T any](path string, read func(string, io.Reader) ([]T, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(path, f)
}

// table reads one CSV file of the dataset: its header, then rows of its
// width, with the place of every field for errors.
type table struct {
	name  string
	cr    *csv.Reader
	width int // columns of every row
	rec   []string
}

// openTable reads and checks the header: want (nil: any), then extra
// columns named by extra(i) for i from 0 (nil: none).
func openTable(name string, r io.Reader, want []string, extra func(i int) string, nExtra int) (*table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // widths are checked here, to say what was expected
	cr.ReuseRecord = true   // rows are parsed, never kept
	t := &table{name: name, cr: cr, width: len(want) + nExtra}
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%s: the file is empty, expected the header %s", name, describeHeader(want, nExtra))
	case err != nil:
		return nil, fmt.Errorf("%s: %w (expected the header %s)", name, csvError(err), describeHeader(want, nExtra))
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // a byte-order mark is not part of the name
	if len(header) != t.width {
		return nil, fmt.Errorf("%s:1: expected the header %s (%d columns), got %d columns",
			name, describeHeader(want, nExtra), t.width, len(header))
	}
	for i, h := range header {
		w := ""
		if i < len(want) {
			w = want[i]
		} else {
			w = extra(i - len(want))
		}
		if h != w {
			_, col := cr.FieldPos(i)
			return nil, fmt.Errorf("%s:1:%d: column %d of the header: expected %q, got %q (the header is %s)",
				name, col, i+1, w, h, describeHeader(want, nExtra))
		}
	}
	return t, nil
}

// describeHeader names a header for errors.
func describeHeader(want []string, nExtra int) string {
	if nExtra == 0 {
		return strings.Join(want, ",")
	}
	return fmt.Sprintf("%s,1,2,...,%d", strings.Join(want, ","), nExtra)
}

// csvError words a malformed-CSV error as the others read: "line N,
// column C: what" after the file's name.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %w", pe.Line, pe.Column, pe.Err)
	}
	return err
}

// next reads the next row; ok is false at the end of the file.
func (t *table) next() (ok bool, err error) {
	rec, err := t.cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("%s: %w", t.name, csvError(err))
	}
	if len(rec) != t.width {
		return false, fmt.Errorf("%s:%d: expected %d columns, as the header, got %d", t.name, t.line(), t.width, len(rec))
	}
	t.rec = rec
	return true, nil
}

// line is the current row's line.
func (t *table) line() int {
	l, _ := t.cr.FieldPos(0)
	return l
}

// errorf names field i of the current row.
func (t *table) errorf(i int, header string, format string, args ...any) error {
	l, c := t.cr.FieldPos(i)
	return fmt.Errorf("%s:%d:%d: %s: %s", t.name, l, c, header, fmt.Sprintf(format, args...))
}

// text is field i, which must not be empty.
func (t *table) text(i int, header string) (string, error) {
	if t.rec[i] == "" {
		return "", t.errorf(i, header, "expected a value, got an empty field")
	}
	// a copy: the field shares its memory with the whole line's counts.
	return strings.Clone(t.rec[i]), nil
}

// number is field i: a finite, non-negative decimal number.
func (t *table) number(i int, header string) (float64, error) {
	v, err := strconv.ParseFloat(t.rec[i], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, t.errorf(i, header, "expected a non-negative number, got %q", t.rec[i])
	}
	return v, nil
}

// ReadInvocations reads an invocation file (name labels errors):
//
//	HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
//
// Every count is an integer from 0 to sim/traffic.MaxPerMinute and every
// trigger one of [Triggers].
func ReadInvocations(name string, r io.Reader) ([]Invocations, error) {
	t, err := openTable(name, r, invocationKeys, func(i int) string { return strconv.Itoa(i + 1) }, MinutesPerDay)
	if err != nil {
		return nil, err
	}
	var out []Invocations
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return out, err
		}
		row := Invocations{Line: t.line(), PerMinute: make([]int32, MinutesPerDay)}
		for i, p := range []*string{&row.Owner, &row.App, &row.Function, &row.Trigger} {
			if *p, err = t.text(i, invocationKeys[i]); err != nil {
				return nil, err
			}
		}
		if !slices.Contains(Triggers, row.Trigger) {
			return nil, t.errorf(3, "Trigger", "expected one of %s, got %q", strings.Join(Triggers, ", "), row.Trigger)
		}
		for m := range row.PerMinute {
			i := len(invocationKeys) + m
			n, err := traffic.ParseCount(t.rec[i])
			if err != nil {
				return nil, t.errorf(i, "minute "+strconv.Itoa(m+1), "%v", err)
			}
			row.PerMinute[m] = int32(n)
		}
		out = append(out, row)
	}
}

// ReadDurations reads a durations file (name labels errors):
//
//	HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,
//	percentile_Average_0,_1,_25,_50,_75,_99,_100
//
// Every number is finite and non-negative.
func ReadDurations(name string, r io.Reader) ([]Durations, error) {
	t, err := openTable(name, r, durationHeader, nil, 0)
	if err != nil {
		return nil, err
	}
	var out []Durations
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return out, err
		}
		row := Durations{Line: t.line()}
		for i, p := range []*string{&row.Owner, &row.App, &row.Function} {
			if *p, err = t.text(i, durationHeader[i]); err != nil {
				return nil, err
			}
		}
		nums := []*float64{&row.Average, &row.Count, &row.Minimum, &row.Maximum,
			&row.P0, &row.P1, &row.P25, &row.P50, &row.P75, &row.P99, &row.P100}
		for k, p := range nums {
			if *p, err = t.number(3+k, durationHeader[3+k]); err != nil {
				return nil, err
			}
		}
		out = append(out, row)
	}
}

// ReadMemory reads an app memory file (name labels errors):
//
//	HashOwner,HashApp,SampleCount,AverageAllocatedMb,
//	AverageAllocatedMb_pct1,_pct5,_pct25,_pct50,_pct75,_pct95,_pct99,_pct100
//
// Every number is finite and non-negative.
func ReadMemory(name string, r io.Reader) ([]Memory, error) {
	t, err := openTable(name, r, memoryHeader, nil, 0)
	if err != nil {
		return nil, err
	}
	var out []Memory
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return out, err
		}
		row := Memory{Line: t.line()}
		for i, p := range []*string{&row.Owner, &row.App} {
			if *p, err = t.text(i, memoryHeader[i]); err != nil {
				return nil, err
			}
		}
		nums := []*float64{&row.SampleCount, &row.Average}
		for k := range row.Pct {
			nums = append(nums, &row.Pct[k])
		}
		for k, p := range nums {
			if *p, err = t.number(2+k, memoryHeader[2+k]); err != nil {
				return nil, err
			}
		}
		out = append(out, row)
	}
}
