package traffic

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Shapes of a fuzz input (the fuzzer's second argument, as bits).
const (
	// withHeader puts the valid 1444-column header before the input.
	withHeader = 1 << iota
	// padRows ends every line with ",0" columns up to a full row.
	padRows
)

// traceHeader is the valid header: the four names and minutes 1..1440.
func traceHeader() string {
	var b strings.Builder
	b.WriteString("HashOwner,HashApp,HashFunction,Trigger")
	for i := 1; i <= MinutesPerDay; i++ {
		b.WriteString("," + strconv.Itoa(i))
	}
	return b.String()
}

// shape builds the file the reader sees from a fuzz input. A valid row
// has 1444 columns, several kilobytes even when empty; the fuzzer would
// spend its time minimizing such inputs (a minute each by default).
// With the header and the padding added here, the inputs it mutates are
// a few bytes, and a padded line is a full row whose first minutes are the
// input's.
func shape(header string, data []byte, how uint8) []byte {
	var out bytes.Buffer
	if how&withHeader != 0 {
		out.WriteString(header)
		out.WriteByte('\n')
	}
	if how&padRows == 0 {
		out.Write(data)
		return out.Bytes()
	}
	for line := range bytes.Lines(data) {
		body := bytes.TrimRight(line, "\r\n")
		out.Write(body)
		if missing := 4 + MinutesPerDay - 1 - bytes.Count(body, []byte(",")); missing > 0 {
			out.WriteString(strings.Repeat(",0", missing))
		}
		out.Write(line[len(body):])
	}
	return out.Bytes()
}

// compact is shape's inverse for a trace file: its rows without the
// header and without their trailing zero minutes.
func compact(file []byte) []byte {
	var out bytes.Buffer
	for i, line := range bytes.Split(bytes.TrimRight(file, "\n"), []byte("\n")) {
		if i == 0 {
			continue
		}
		for bytes.HasSuffix(line, []byte(",0")) {
			line = line[:len(line)-2]
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// firstColumns keeps the first n lines of rows and their first k columns.
func firstColumns(rows []byte, n, k int) []byte {
	var out bytes.Buffer
	for i, line := range bytes.Split(rows, []byte("\n")) {
		if i == n || len(line) == 0 {
			break
		}
		out.Write(bytes.Join(bytes.SplitN(line, []byte(","), k+1)[:min(k, bytes.Count(line, []byte(","))+1)], []byte(",")))
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// FuzzParseAzureTrace feeds the trace CSV reader arbitrary files, seeded
// with the rows of the shipped traces: it must return functions or an
// error naming the file, never panic; every function it returns has 1440
// counts within 0..MaxPerMinute, and laying out a minute of it (offsets)
// stays within the minute. The header and full-width rows are added by
// shape, so the fuzzer works on small inputs.
func FuzzParseAzureTrace(f *testing.F) {
	header := traceHeader()
	// Every seed is small: the fuzzer minimizes each input that finds new
	// code, and minimizing a full 1444-column row outlasts the run.
	f.Add([]byte("o,a,f,http,1,1,1,1,1,1,1,1\n"), uint8(withHeader|padRows))
	f.Add([]byte("o,a,f,http,1\n"), uint8(withHeader|padRows))
	f.Add([]byte("o,a,f,http,9223372036854775807\n"), uint8(withHeader|padRows))
	f.Add([]byte("o,a,f,http,-1\n"), uint8(withHeader))
	f.Add([]byte("o,\"a\nb\",f,http,1000,3\r\n"), uint8(withHeader|padRows))
	f.Add([]byte("HashOwner,HashApp\n"), uint8(0))
	for _, pattern := range []string{"../../scenarios/traces/*.csv", "../scenario/testdata/good/traces/*.csv", "../scenario/testdata/bad/files/*.csv"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(firstColumns(compact(data), 2, 12), uint8(withHeader|padRows))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, how uint8) {
		file := shape(header, data, how)
		fns, err := ParseAzureTrace("t.csv", bytes.NewReader(file))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "t.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, fn := range fns {
			if len(fn.PerMinute) != MinutesPerDay {
				t.Fatalf("function %q has %d counts", fn.Function, len(fn.PerMinute))
			}
			for m, n := range fn.PerMinute {
				if n < 0 || n > MaxPerMinute {
					t.Fatalf("function %q, minute %d: count %d", fn.Function, m+1, n)
				}
			}
			tr := Trace{Host: "h", Function: fn, Spread: SpreadUniform, Rand: rand.New(rand.NewPCG(1, 2))}
			if err := tr.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if n := fn.PerMinute[0]; n <= 1000 {
				for _, off := range tr.offsets(n) {
					if off < 0 || off >= 60e9 {
						t.Fatalf("offset %v outside the minute", off)
					}
				}
			}
		}
	})
}

// TestShapeRoundTrip: compacting a shipped trace and shaping it back
// gives the file again, so the seeds are the shipped traces, and a padded
// row parses to the same counts as the full one.
func TestShapeRoundTrip(t *testing.T) {
	header := traceHeader()
	paths, err := filepath.Glob("../scenario/testdata/good/traces/*.csv")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no trace files (%v)", err)
	}
	paths = append(paths, "../../scenarios/traces/azure-diurnal-20.csv")
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got := shape(header, compact(data), withHeader|padRows)
			if want := bytes.TrimRight(data, "\n"); !bytes.Equal(bytes.TrimRight(got, "\n"), want) {
				t.Errorf("shape(compact(file)) differs from the file: %d bytes, want %d", len(got), len(want))
			}
		})
	}
	cases := []struct {
		name string
		data string
		how  uint8
		want []int // first minutes; the rest are 0
	}{
		{name: "padded", data: "o,a,f,http,3,4\n", how: withHeader | padRows, want: []int{3, 4}},
		{name: "padded without newline", data: "o,a,f,http,7", how: withHeader | padRows, want: []int{7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fns, err := ParseAzureTrace("t.csv", bytes.NewReader(shape(header, []byte(tc.data), tc.how)))
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int, MinutesPerDay)
			copy(want, tc.want)
			if len(fns) != 1 {
				t.Fatalf("%d functions, want 1", len(fns))
			}
			if diff := cmp.Diff(want, fns[0].PerMinute); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseAzureTrace("t.csv", bytes.NewReader(shape(header, []byte("o,a,f,http,1\n"), withHeader))); err == nil {
		t.Error("a short row without padding must fail")
	}
}
