package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds the scenario parser arbitrary files, seeded with the
// shipped scenarios and testdata: it must return a scenario or an ErrorList
// (every entry naming the file), never panic, and a scenario it returns
// must validate. Files are resolved against testdata/good, so the seeds'
// manifests and traces are found.
func FuzzParse(f *testing.F) {
	var paths []string
	for _, pattern := range []string{"testdata/good/*.yaml", "testdata/bad/*.yaml", "../../scenarios/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, m...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data, "testdata/good")
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != "f.yaml" {
					t.Fatalf("error %q does not name the file", e)
				}
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("a parsed scenario does not validate: %v", err)
		}
	})
}

// FuzzParseDuration checks Go duration parsing as scenarios read it: a
// duration that parses writes back (String) to text that parses to the
// same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90s", "250ms", "1m30s", "24h", "744h", "1.5h", "-3s", "0", "1us", "1µs", "2562047h47m16.854775807s",
		" 5m ", "1h0m0s", "9999h", "1e3s", ".5s", "3", "", "h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if _, goErr := time.ParseDuration(strings.TrimSpace(s)); goErr == nil {
				t.Fatalf("ParseDuration(%q) refused what time.ParseDuration reads: %v", s, err)
			}
			return
		}
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %v, written %q, read back %v, %v", s, d.D(), d.String(), back.D(), err)
		}
	})
}
