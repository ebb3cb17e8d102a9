package traffic

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseAzureTrace feeds the trace CSV reader arbitrary files, seeded
// with the shipped traces: it must return functions or an error naming the
// file, never panic; every function it returns has 1440 counts within
// 0..MaxPerMinute, and laying out a minute of it (offsets) stays within the
// minute.
func FuzzParseAzureTrace(f *testing.F) {
	header := "HashOwner,HashApp,HashFunction,Trigger"
	for i := 1; i <= MinutesPerDay; i++ {
		header += "," + strconv.Itoa(i)
	}
	f.Add([]byte(header + "\no,a,f,http" + strings.Repeat(",1", MinutesPerDay) + "\n"))
	f.Add([]byte(header + "\no,a,f,http,9223372036854775807" + strings.Repeat(",0", MinutesPerDay-1) + "\n"))
	f.Add([]byte(header + "\no,a,f,http,-1\n"))
	f.Add([]byte("HashOwner,HashApp\n"))
	for _, pattern := range []string{"../../scenarios/traces/*.csv", "../scenario/testdata/good/traces/*.csv", "../scenario/testdata/bad/files/*.csv"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			if st, err := os.Stat(p); err != nil || st.Size() > 32<<10 {
				continue // the corpus keeps to small files
			}
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fns, err := ParseAzureTrace("t.csv", strings.NewReader(string(data)))
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
